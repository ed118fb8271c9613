'use client';

import type { AlertNowView } from '@tributary/alerts';
import Link from 'next/link';
import { formatAgo, formatTimestamp } from '../../../lib/format.ts';
import { Badge, Button, numCell, Table } from '../../ui/index.ts';
import { LabelChips } from './label-chips.tsx';
import styles from './now.module.css';
import { StateBadge } from './state-badge.tsx';

const key = (a: AlertNowView) => `${a.rule}\n${a.groupKey}`;

/** A value as a person reads it (at most 6 significant digits), or a dash without one. */
function formatValue(v: number | null): string {
  return v === null ? '—' : String(Number(v.toPrecision(6)));
}

export function AlertsTable(props: {
  alerts: readonly AlertNowView[];
  canWrite: boolean;
  onSilence: (a: AlertNowView) => void;
  onAcknowledge: (a: AlertNowView) => void;
  /** The alert (rule and group key) being acknowledged, if any. */
  acknowledging: string | null;
}) {
  const now = Date.now();
  return (
    <Table label="Active alerts" testId="alerts-now" dense>
      <thead>
        <tr>
          <th>State</th>
          <th>Alert</th>
          <th>Labels</th>
          <th className={numCell}>Value</th>
          <th>Since</th>
          <th>Handled</th>
          <th>Actions</th>
        </tr>
      </thead>
      <tbody>
        {props.alerts.map((a) => (
          <tr
            key={key(a)}
            data-testid="alert-row"
            data-rule={a.rule}
            data-state={a.state}
            className={a.silencedBy ? styles.silencedRow : undefined}
          >
            <td>
              <StateBadge state={a.state} />
            </td>
            <td>
              <strong>{a.ruleTitle}</strong>
              <span className={styles.ruleName}>
                {a.rule} · <Link href={`/alerts/history?rule=${encodeURIComponent(a.rule)}`}>history</Link>
                {a.lineageNode && (
                  <>
                    {' · '}
                    <Link href={`/lineage?focus=${encodeURIComponent(a.lineageNode)}`}>lineage</Link>
                  </>
                )}
              </span>
            </td>
            <td>
              <LabelChips labels={a.labels} label={`Labels of ${a.ruleTitle}`} />
            </td>
            <td className={numCell}>{formatValue(a.lastValue)}</td>
            <td title={formatTimestamp(a.since)}>{formatAgo(now - Date.parse(a.since))}</td>
            <td>
              <div className={styles.status}>
                {a.silencedBy && (
                  <span data-testid="alert-silenced">
                    <Badge>silenced</Badge> by {a.silencedBy.createdBy}: “{a.silencedBy.comment}”
                    {a.silencedBy.endsAt === null
                      ? ' (until resolved)'
                      : ` (until ${formatTimestamp(a.silencedBy.endsAt)})`}
                  </span>
                )}
                {a.acknowledgedBy && (
                  <span data-testid="alert-acknowledged">
                    <Badge tone="info">acknowledged</Badge> by {a.acknowledgedBy}
                    {a.acknowledgedAt && (
                      <span className="muted" title={formatTimestamp(a.acknowledgedAt)}>
                        {' '}
                        {formatAgo(now - Date.parse(a.acknowledgedAt))}
                      </span>
                    )}
                  </span>
                )}
                {!a.silencedBy && !a.acknowledgedBy && <span className="muted">—</span>}
              </div>
            </td>
            <td>
              {props.canWrite && (
                <div className={styles.rowActions}>
                  {!a.silencedBy && (
                    <Button size="small" onClick={() => props.onSilence(a)}>
                      Silence
                    </Button>
                  )}
                  {!a.acknowledgedBy && (
                    <Button
                      size="small"
                      disabled={props.acknowledging === key(a)}
                      onClick={() => props.onAcknowledge(a)}
                    >
                      {props.acknowledging === key(a) ? 'Acknowledging…' : 'Acknowledge'}
                    </Button>
                  )}
                </div>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
