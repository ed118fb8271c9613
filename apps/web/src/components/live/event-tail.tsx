import { formatClock } from '../../lib/format.ts';
import type { TailEvent } from '../../server/queries/live.ts';

export function EventTail({ events }: { events: TailEvent[] }) {
  if (events.length === 0) return <p className="muted">Waiting for the first event…</p>;
  return (
    <div className="tail">
      <div className="tail-head" aria-hidden>
        <span>received (UTC)</span>
        <span>event type</span>
        <span>event id</span>
        <span>user</span>
        <span>source</span>
      </div>
      {events.map((e) => (
        // Keyed by the event's identity so an expanded payload stays open while the list
        // refreshes; two sources may share an event_id (docs/decisions/event-identity.md).
        <details
          key={JSON.stringify([e.source, e.event_type, e.event_id])}
          className="tail-row"
          data-testid="tail-row"
          data-event-id={e.event_id}
        >
          <summary>
            <span className="mono">{formatClock(e.received_at)}</span>
            <span>
              <span className="badge">{e.event_type}</span>
            </span>
            <span className="mono ellipsis" title={e.event_id}>
              {e.event_id}
            </span>
            <span className="ellipsis">{e.user_id ?? <span className="muted">—</span>}</span>
            <span className="ellipsis muted">{e.source}</span>
          </summary>
          <pre className="code payload">{e.data}</pre>
        </details>
      ))}
    </div>
  );
}
