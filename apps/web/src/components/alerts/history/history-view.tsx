'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useAlertHistory, useAlertRuleNames } from '../../../hooks/alerts.ts';
import { formatTimestamp } from '../../../lib/format.ts';
import { QueryError } from '../../error-banner.tsx';
import { Badge, Button, Card, EmptyState, Loading, Select, Table } from '../../ui/index.ts';
import { LabelChips } from '../now/label-chips.tsx';
import { describeHistoryRow } from './history-row.ts';

const ALL = '';

type HistoryEntry = ReturnType<typeof useAlertHistory>['rows'][number];

/**
 * Every state change and notification attempt of the last 30 days, newest first; one rule's when
 * `rule` is given (?rule=<name>, so the Alerts and Rules pages can link to it).
 */
export function HistoryView({ rule }: { rule: string | undefined }) {
  const router = useRouter();
  const rules = useAlertRuleNames();
  const { query, rows } = useAlertHistory(rule);
  const names = [...new Set([...(rules.data ?? []).map((r) => r.name), ...(rule ? [rule] : [])])].sort();
  const options = [{ value: ALL, label: 'All rules' }, ...names.map((n) => ({ value: n, label: n }))];

  return (
    <>
      <div className="page-head">
        <div>
          <h1>{rule ? `History of ${rule}` : 'Alert history'}</h1>
          <div className="muted small">
            State changes (pending, firing, resolved, no data, error) and every notification attempt with its
            outcome, newest first. Kept 30 days.
          </div>
        </div>
        <Button onClick={() => void query.refetch()} disabled={query.isFetching}>
          {query.isFetching && !query.isFetchingNextPage ? 'Refreshing…' : 'Refresh'}
        </Button>
      </div>
      <label>
        Rule{' '}
        <Select
          options={options}
          value={rule ?? ALL}
          aria-label="Rule"
          onValue={(v) =>
            router.push(v === ALL ? '/alerts/history' : `/alerts/history?rule=${encodeURIComponent(v)}`)
          }
        />
      </label>
      <QueryError queries={[query, rules]} title="Could not load the history" />
      {query.isPending && <Loading what="history" />}
      {query.data && rows.length === 0 && (
        <EmptyState title="Nothing recorded">
          {rule
            ? `No state change or notification of ${rule} in the last 30 days.`
            : 'No alert changed state in the last 30 days.'}
        </EmptyState>
      )}
      {rows.length > 0 && (
        <Card flush>
          <Table label="Alert history" testId="alert-history" dense>
            <thead>
              <tr>
                <th>Time</th>
                <th>Rule</th>
                <th>Group</th>
                <th>What happened</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <HistoryRow key={r.id} row={r} />
              ))}
            </tbody>
          </Table>
        </Card>
      )}
      {query.hasNextPage && (
        <div>
          <Button onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
            {query.isFetchingNextPage ? 'Loading…' : 'Load older'}
          </Button>
        </div>
      )}
    </>
  );
}

function HistoryRow({ row }: { row: HistoryEntry }) {
  const v = describeHistoryRow(row);
  return (
    <tr data-testid="history-row" data-kind={row.kind} data-outcome={row.outcome ?? undefined}>
      <td>{formatTimestamp(row.at)}</td>
      <td>
        {row.ruleName ? (
          <Link href={`/alerts/history?rule=${encodeURIComponent(row.ruleName)}`}>{row.ruleName}</Link>
        ) : (
          <span className="muted">several rules</span>
        )}
      </td>
      <td>
        {v.labels ? (
          <LabelChips labels={v.labels} label="Group labels" />
        ) : (
          <span className="mono small">{v.rawGroup ?? '—'}</span>
        )}
      </td>
      <td>
        <Badge tone={v.tone}>{row.kind === 'state_change' ? 'state' : 'notification'}</Badge> {v.event}
        {row.silenced && row.outcome !== 'silenced' && <span className="muted"> (silenced)</span>}
      </td>
      <td>
        {v.note && <div>{v.note}</div>}
        {v.detail && Object.keys(v.detail).length > 0 && (
          <details>
            <summary>Details</summary>
            <pre className="mono small">{JSON.stringify(v.detail, null, 2)}</pre>
          </details>
        )}
      </td>
    </tr>
  );
}
