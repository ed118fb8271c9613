'use client';

import { formatTimestamp } from '../../lib/format.ts';
import type { BrowsedEvent, TopicKind } from '../../server/messages/frames.ts';
import { Badge } from '../ui/index.ts';
import styles from './message-browser.module.css';

/** A one-line summary of what a result is, by topic kind. */
function summary(kind: TopicKind, value: unknown): { label: string; detail: string } {
  const v = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const s = (k: string) => (typeof v[k] === 'string' ? v[k] : '');
  if (kind === 'events') return { label: s('event_type') || '?', detail: s('event_id') };
  if (kind === 'dead_letters') return { label: `${s('stage')} · ${s('code')}`, detail: s('event_id') };
  if (kind === 'control') return { label: s('kind') || 'record', detail: s('name') || s('revision') };
  return { label: typeof value === 'string' ? 'text' : 'json', detail: '' };
}

/** One browsed event: coordinates, time, key and trace id; the value and headers when opened. */
export function EventRow({ kind, event }: { kind: TopicKind; event: BrowsedEvent }) {
  const { label, detail } = summary(kind, event.value);
  return (
    <details
      className={styles.row}
      data-testid="browsed-event"
      data-partition={event.partition}
      data-offset={event.offset}
    >
      <summary className={styles.summary}>
        <span className={styles.mono} title="partition:offset (event within a packed message)">
          {event.partition}:{event.offset}
          {event.of > 1 && (
            <span className={styles.muted}>
              {' '}
              #{event.index + 1}/{event.of}
            </span>
          )}
        </span>
        <span className={styles.mono}>{formatTimestamp(event.timestamp)}</span>
        <span>
          <Badge tone={event.undecodable ? 'bad' : 'neutral'}>
            {event.undecodable ? 'undecodable' : label}
          </Badge>
        </span>
        <span className={`${styles.mono} ${styles.ellipsis}`} title={detail}>
          {detail}
        </span>
        <span className={`${styles.mono} ${styles.ellipsis}`} title={event.key ?? ''}>
          {event.key ?? <span className={styles.muted}>no key</span>}
        </span>
        <span className={`${styles.mono} ${styles.ellipsis}`} title="trace id" data-testid="trace-id">
          {event.traceId ?? <span className={styles.muted}>—</span>}
        </span>
      </summary>
      <div className={styles.body}>
        {event.undecodable && <p className={styles.bad}>Not decodable: {event.undecodable}</p>}
        <pre className={styles.code}>{JSON.stringify(event.value, null, 2)}</pre>
        <h4 className={styles.subhead}>Headers</h4>
        {Object.keys(event.headers).length === 0 ? (
          <p className={styles.muted}>none</p>
        ) : (
          <dl className={styles.headers}>
            {Object.entries(event.headers).map(([k, v]) => (
              <div key={k}>
                <dt className={styles.mono}>{k}</dt>
                <dd className={styles.mono}>{v}</dd>
              </div>
            ))}
          </dl>
        )}
      </div>
    </details>
  );
}
