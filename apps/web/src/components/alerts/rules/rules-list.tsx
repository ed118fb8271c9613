'use client';

import type { AlertState } from '@tributary/contracts';
import Link from 'next/link';
import { useActiveAlerts, useAlertRules } from '../../../hooks/alert-config.ts';
import { useCan } from '../../../lib/use-can.ts';
import { QueryError } from '../../error-banner.tsx';
import { Badge, Card, EmptyState, Loading, Table, type BadgeTone } from '../../ui/index.ts';
import { conditionSummary, querySummary, stateCounts } from './rule-summary.ts';
import styles from './rules.module.css';

const STATE_TONES: Array<[AlertState, BadgeTone, string]> = [
  ['firing', 'bad', 'firing'],
  ['error', 'bad', 'error'],
  ['no_data', 'warn', 'no data'],
  ['pending', 'warn', 'pending'],
];

/** /alerts/rules: every rule with what it reads, its condition, whether it runs and what is active now. */
export function RulesList() {
  const rules = useAlertRules();
  const active = useActiveAlerts();
  const canWrite = useCan('alerts:write');
  const newButton = (testId: string) =>
    canWrite && (
      <Link href="/alerts/rules/new" className="btn btn-primary" data-testid={testId}>
        New rule
      </Link>
    );
  const list = rules.data ?? [];
  return (
    <>
      <div className="page-head">
        <h1>Alert rules</h1>
        {newButton('new-rule')}
      </div>
      <QueryError queries={[rules, active]} />
      {rules.isLoading && <Loading what="rules" />}
      {rules.data && list.length === 0 && (
        <EmptyState title="No alert rule yet" action={newButton('new-rule-empty') || undefined}>
          A rule watches a pipeline signal (freshness, consumer lag, dead letters…) or a panel query, and
          fires when its condition holds long enough. Backtest it on stored data before saving.
        </EmptyState>
      )}
      {list.length > 0 && (
        <Card flush testId="rules-table">
          <Table label="Alert rules">
            <thead>
              <tr>
                <th>Rule</th>
                <th>Query</th>
                <th>Condition</th>
                <th>Enabled</th>
                <th>Now</th>
              </tr>
            </thead>
            <tbody>
              {list.map((r) => {
                const counts = stateCounts(active.data ?? [], r.name);
                const shown = STATE_TONES.filter(([s]) => (counts[s] ?? 0) > 0);
                return (
                  <tr key={r.name} data-testid="rule-row" data-rule={r.name}>
                    <td>
                      <Link href={`/alerts/rules/${encodeURIComponent(r.name)}`} className="subject-link">
                        {r.rule.title}
                      </Link>
                      <div className="muted small mono">{r.name}</div>
                    </td>
                    <td className="small">{querySummary(r.rule)}</td>
                    <td className={`small ${styles.conditionCell}`}>{conditionSummary(r.rule)}</td>
                    <td>{r.enabled ? <Badge tone="good">enabled</Badge> : <Badge>disabled</Badge>}</td>
                    <td data-testid="rule-states">
                      {shown.length === 0 ? (
                        <span className="muted small">{active.data ? 'normal' : '—'}</span>
                      ) : (
                        shown.map(([s, tone, label]) => (
                          <Badge key={s} tone={tone}>
                            {counts[s]} {label}
                          </Badge>
                        ))
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
        </Card>
      )}
    </>
  );
}
