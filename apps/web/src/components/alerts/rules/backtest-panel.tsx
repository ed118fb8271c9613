'use client';

import { alertRuleSchema } from '@tributary/contracts';
import { useEffect, useState } from 'react';
import { useBacktest } from '../../../hooks/alert-config.ts';
import { formatTimestamp } from '../../../lib/format.ts';
import { QueryError } from '../../error-banner.tsx';
import { Button, Card, Field, Loading, numCell, Table, TextInput } from '../../ui/index.ts';
import { BacktestChart } from './backtest-chart.tsx';
import { backtestSummary, groupName, spanText } from './backtest-view.ts';
import type { Problem } from './rule-draft.ts';
import styles from './rules.module.css';

const MAX_DAYS = 30;

/**
 * "Backtest": the rule as it stands in the form, run over the last days of stored data before
 * it is saved. The chart, a sentence, the first firings and the per-route notification counts.
 */
export function BacktestPanel(props: {
  /** The form's rule and its problems, read when the button is pressed. */
  build: () => { rule: Record<string, unknown>; problems: Problem[] };
  onProblems: (problems: Problem[]) => void;
}) {
  const [days, setDays] = useState('7');
  const [request, setRequest] = useState<{ rule: Record<string, unknown>; days: number } | null>(null);
  const backtest = useBacktest(request);
  const { onProblems } = props;
  const data = backtest.data;
  useEffect(() => {
    if (data && !data.ok) onProblems(data.problems);
  }, [data, onProblems]);

  const daysNumber = Number(days);
  const daysValid = Number.isInteger(daysNumber) && daysNumber >= 1 && daysNumber <= MAX_DAYS;
  const run = () => {
    const { rule, problems } = props.build();
    onProblems(problems);
    if (problems.length > 0 || !daysValid) return;
    setRequest({ rule, days: daysNumber });
  };
  const parsed = request ? alertRuleSchema.safeParse(request.rule) : null;
  const condition = parsed?.success ? parsed.data.condition : null;

  return (
    <Card title="Backtest" testId="backtest-panel">
      <div className={styles.backtestBar}>
        <Field
          label="Days of stored data"
          hint={`1 to ${MAX_DAYS}`}
          error={daysValid ? undefined : `a whole number of days from 1 to ${MAX_DAYS}`}
        >
          {(id, d) => (
            <TextInput
              id={id}
              aria-describedby={d}
              inputMode="numeric"
              invalid={!daysValid}
              value={days}
              onChange={(e) => setDays(e.target.value)}
              data-testid="backtest-days"
            />
          )}
        </Field>
        <Button onClick={run} disabled={backtest.isFetching} testId="backtest-run">
          {backtest.isFetching ? 'Running…' : 'Backtest'}
        </Button>
        {backtest.isFetching && (
          <Button variant="ghost" onClick={() => setRequest(null)} testId="backtest-cancel">
            Cancel
          </Button>
        )}
      </div>
      {!request && (
        <p className="muted small">
          Runs the rule as it stands in the form over stored data, with the saved routing and mute timings:
          when it would have fired and how many notifications each route would have sent. Nothing is saved.
        </p>
      )}
      {backtest.isFetching && <Loading what={`the rule over the last ${request?.days ?? ''} days`} />}
      <QueryError queries={backtest} title="The backtest failed" />
      {data && !data.ok && (
        <p className="field-error" role="alert" data-testid="backtest-problems">
          The rule has {data.problems.length === 1 ? 'a problem' : `${data.problems.length} problems`} (shown
          by their fields): fix {data.problems.length === 1 ? 'it' : 'them'} and run the backtest again.
        </p>
      )}
      {data?.ok && request && !backtest.isFetching && (
        <figure aria-label="Backtest" className={styles.figure} data-testid="backtest-result">
          <figcaption data-testid="backtest-summary">{backtestSummary(data, request.days)}</figcaption>
          {data.series.length === 0 ? (
            <p className="muted">No evaluation found any value in this range.</p>
          ) : (
            condition && <BacktestChart result={data} condition={condition} />
          )}
          {data.groups > data.series.length && (
            <p className="muted small">
              Showing {data.series.length} of {data.groups} groups (those that fired first).
            </p>
          )}
          {data.firings.length > 0 && (
            <Table dense label="Firings" testId="backtest-firings">
              <thead>
                <tr>
                  <th>From</th>
                  <th>To</th>
                  <th className={numCell}>For</th>
                  <th>State</th>
                  <th>Group</th>
                </tr>
              </thead>
              <tbody>
                {data.firings.slice(0, 20).map((f, i) => (
                  <tr key={i}>
                    <td className="mono small">{formatTimestamp(f.from)}</td>
                    <td className="mono small">{f.to === null ? 'still active' : formatTimestamp(f.to)}</td>
                    <td className={numCell}>{spanText((f.to ?? data.range.to) - f.from)}</td>
                    <td>{f.state.replace('_', ' ')}</td>
                    <td className="mono small">{groupName(f.labels)}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          {data.firingsTotal > 20 && (
            <p className="muted small">The first 20 of {data.firingsTotal} are listed.</p>
          )}
          <h3 className={styles.subhead}>Notifications per route</h3>
          {data.routingRevision === null && (
            <p className="muted small" data-testid="backtest-unrouted">
              No routing is saved yet: the counts use the default grouping timings and no receiver.
            </p>
          )}
          {data.routes.length === 0 ? (
            <p className="muted small">No notification would have been sent.</p>
          ) : (
            <Table dense label="Notifications per route" testId="backtest-routes">
              <thead>
                <tr>
                  <th>Route</th>
                  <th>Receiver</th>
                  <th className={numCell}>Sent</th>
                  <th className={numCell}>Muted</th>
                  <th className={numCell}>Silenced</th>
                </tr>
              </thead>
              <tbody>
                {data.routes.map((r) => (
                  <tr key={r.routeId} data-route={r.routeId}>
                    <td>{r.label}</td>
                    <td className="mono">{r.receiver}</td>
                    <td className={numCell}>{r.sent}</td>
                    <td className={numCell}>{r.muted}</td>
                    <td className={numCell}>{r.silenced}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </figure>
      )}
    </Card>
  );
}
