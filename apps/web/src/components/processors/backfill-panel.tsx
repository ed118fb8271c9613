'use client';

import { useState } from 'react';
import { useBackfillActions, useBackfills } from '../../hooks/processors.ts';
import { QueryError } from '../error-banner.tsx';
import {
  Badge,
  Button,
  Card,
  Field,
  FieldRow,
  MutationError,
  numCell,
  Select,
  Table,
  TextInput,
} from '../ui/index.ts';
import { formatWhen } from './when.ts';

/** `datetime-local` text (the browser's local time) for an epoch ms. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

const stateTone = {
  pending: 'neutral',
  running: 'info',
  stopped: 'warn',
  finished: 'good',
  failed: 'bad',
} as const;

/**
 * Re-runs a version over stored events of a time range (Kappa reprocessing) into a row set of
 * its own, paced at a rate; the same version and range again changes nothing. Progress, counts
 * and a stop button for each run.
 */
export function BackfillPanel(props: { name: string; versions: number[]; canWrite: boolean }) {
  const list = useBackfills(props.name);
  const actions = useBackfillActions();
  const newest = props.versions.at(-1) ?? 1;
  const [version, setVersion] = useState(String(newest));
  const [from, setFrom] = useState(() => localInput(Date.now() - 3600_000));
  // The inputs have minute precision: the next minute, so events of this minute are in range.
  const [to, setTo] = useState(() => localInput(Date.now() + 60_000));
  const [rate, setRate] = useState('5000');
  const rateNumber = Number(rate);
  const rateError =
    rate.trim() !== '' && (!Number.isInteger(rateNumber) || rateNumber < 1 || rateNumber > 1_000_000)
      ? 'a whole number of events per second, 1 to 1,000,000 (empty: as fast as it goes)'
      : null;
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  const rangeError =
    Number.isNaN(fromMs) || Number.isNaN(toMs)
      ? 'pick both ends'
      : fromMs >= toMs
        ? 'the end must be after the start'
        : null;
  const start = () =>
    actions.start.mutate({
      processor: props.name,
      version: Number(version),
      from: new Date(fromMs),
      to: new Date(toMs),
      ...(rate.trim() === '' ? {} : { rate: rateNumber }),
    });
  const runs = list.data ?? [];
  return (
    <Card title="Backfill" testId="processor-backfill">
      {props.canWrite && (
        <>
          <FieldRow>
            <Field label="Version">
              {(id) => (
                <Select
                  id={id}
                  data-testid="backfill-version"
                  value={version}
                  onValue={setVersion}
                  options={props.versions.map((v) => ({ value: String(v), label: `v${v}` }))}
                />
              )}
            </Field>
            <Field label="Events per second" error={rateError}>
              {(id, described) => (
                <TextInput
                  id={id}
                  aria-describedby={described}
                  data-testid="backfill-rate"
                  inputMode="numeric"
                  value={rate}
                  invalid={rateError !== null}
                  onChange={(e) => setRate(e.target.value)}
                />
              )}
            </Field>
          </FieldRow>
          <FieldRow>
            <Field label="From (received)" error={rangeError}>
              {(id, described) => (
                <TextInput
                  id={id}
                  type="datetime-local"
                  aria-describedby={described}
                  data-testid="backfill-from"
                  value={from}
                  onChange={(e) => setFrom(e.target.value)}
                />
              )}
            </Field>
            <Field label="To">
              {(id) => (
                <TextInput
                  id={id}
                  type="datetime-local"
                  data-testid="backfill-to"
                  value={to}
                  onChange={(e) => setTo(e.target.value)}
                />
              )}
            </Field>
          </FieldRow>
          <Button
            variant="primary"
            testId="backfill-start"
            disabled={rateError !== null || rangeError !== null || actions.start.isPending}
            onClick={start}
          >
            {actions.start.isPending ? 'Starting…' : 'Start backfill'}
          </Button>
          <MutationError error={actions.start.error} testId="backfill-error" />
        </>
      )}
      <QueryError queries={list} compact />
      {runs.length === 0 ? (
        <p className="empty-row muted">{list.isLoading ? 'Loading…' : 'No backfill yet.'}</p>
      ) : (
        <Table dense>
          <thead>
            <tr>
              <th>Run</th>
              <th>State</th>
              <th className={numCell}>Progress</th>
              <th className={numCell}>Kept</th>
              <th className={numCell}>Dropped</th>
              <th className={numCell}>Dead-lettered</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {runs.map((b) => (
              <tr key={b.id} data-testid="backfill-row" data-state={b.state} data-progress={b.progress}>
                <td className="small">
                  v{b.version}, {formatWhen(b.from)} → {formatWhen(b.to)}
                  <div className="muted">
                    {b.rate === null ? 'unpaced' : `${b.rate}/s`} · {b.actor}
                  </div>
                  {b.error && <div className="field-error">{b.error}</div>}
                </td>
                <td>
                  <Badge tone={stateTone[b.state]}>{b.state}</Badge>
                </td>
                <td className={numCell}>
                  <progress max={1} value={b.progress} aria-label="progress" /> {b.rowsDone} / {b.total}
                </td>
                <td className={numCell}>{b.kept}</td>
                <td className={numCell}>{b.dropped}</td>
                <td className={numCell}>{b.deadLettered}</td>
                <td>
                  {props.canWrite && (b.state === 'running' || b.state === 'pending') && (
                    <Button
                      size="small"
                      testId="backfill-stop"
                      disabled={actions.stop.isPending}
                      onClick={() => actions.stop.mutate({ id: b.id })}
                    >
                      Stop
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
