import type { WebhookPayload } from '@tributary/alerts';
import type { InboxMessage } from '../../../server/alert-inbox/inbox-store.ts';
import { formatTimestamp } from '../../../lib/format.ts';
import { Badge, Card, numCell, Table } from '../../ui/index.ts';
import styles from './inbox.module.css';
import { safeHref } from './safe-link.ts';

type PayloadAlert = WebhookPayload['firing'][number];

/** At most 6 significant digits, as the notification texts write values. */
function formatValue(a: PayloadAlert): string {
  if (a.value === null) return a.state === 'error' ? 'error' : 'no data';
  return Number.isFinite(a.value) ? String(Number(a.value.toPrecision(6))) : String(a.value);
}

function Labels({ labels, testId }: { labels: Record<string, string>; testId: string }) {
  const entries = Object.entries(labels);
  if (entries.length === 0) return null;
  return (
    <div className={styles.labels} data-testid={testId}>
      {entries.map(([k, v]) => (
        <span key={k} className={styles.label}>
          {k}={v}
        </span>
      ))}
    </div>
  );
}

function AlertRow({ a }: { a: PayloadAlert }) {
  const panel = safeHref(a.links.panel);
  const lineage = safeHref(a.links.lineage);
  return (
    <tr data-testid="inbox-alert" data-rule={a.rule} data-status={a.status}>
      <td>
        <Badge tone={a.status === 'firing' ? 'bad' : 'good'}>{a.status}</Badge>
      </td>
      <td>
        <div>{a.title}</div>
        <div className="muted small mono">{a.rule}</div>
      </td>
      <td className={numCell} data-testid="inbox-alert-value">
        {formatValue(a)}
      </td>
      <td className="small">{a.condition.text || '—'}</td>
      <td className="muted small nowrap">
        {formatTimestamp(a.startsAt)}
        {a.endsAt && <div>ended {formatTimestamp(a.endsAt)}</div>}
      </td>
      <td>
        <span className={styles.links}>
          {panel && <a href={panel}>panel</a>}
          {lineage && <a href={lineage}>lineage</a>}
          {!panel && !lineage && <span className="muted">—</span>}
        </span>
      </td>
    </tr>
  );
}

function PayloadCard({ m, p }: { m: InboxMessage; p: WebhookPayload }) {
  const alerts = [...p.firing, ...p.resolved];
  return (
    <Card testId="inbox-message">
      <div className={styles.head}>
        <Badge tone={p.status === 'firing' ? 'bad' : 'good'} testId="inbox-status">
          {p.status}
        </Badge>
        {p.test && <Badge tone="info">test</Badge>}
        <span className={styles.title}>{p.title}</span>
        <span className="muted small">
          {p.reason === 'first' ? 'new' : p.reason} · to {p.receiver}
        </span>
        <span className={`muted small nowrap ${styles.received}`} title={`sent ${formatTimestamp(p.sentAt)}`}>
          received {formatTimestamp(m.receivedAt)}
        </span>
      </div>
      <Labels labels={p.groupLabels} testId="inbox-group-labels" />
      {alerts.length > 0 && (
        <Table dense>
          <thead>
            <tr>
              <th>Status</th>
              <th>Alert</th>
              <th className={numCell}>Value</th>
              <th>Condition</th>
              <th>Since</th>
              <th>Links</th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((a, i) => (
              <AlertRow key={`${a.status}-${i}`} a={a} />
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

/** One delivery: Tributary's payload v1 read into a card, anything else shown as it arrived. */
export function InboxMessageCard({ m }: { m: InboxMessage }) {
  if (m.payload) return <PayloadCard m={m} p={m.payload} />;
  return (
    <Card testId="inbox-message">
      <div className={styles.head}>
        <Badge>unrecognised body</Badge>
        <span className="muted small">not a Tributary webhook payload v1</span>
        <span className={`muted small nowrap ${styles.received}`}>
          received {formatTimestamp(m.receivedAt)}
        </span>
      </div>
      <pre className={styles.raw}>{JSON.stringify(m.raw, null, 2)}</pre>
    </Card>
  );
}
