import { Badge, type BadgeTone } from '../ui/index.ts';
import styles from './sections.module.css';

interface Change {
  path: string;
  change: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

export interface PreviewEventView {
  origin: 'event' | 'dead_letter';
  event_id: string;
  event_type: string;
  outcome: 'kept' | 'dropped' | 'dead_lettered';
  reason: string | null;
  code: string | null;
  changes: readonly Change[];
  outputProblems: readonly string[];
}

const outcomeTone: Record<PreviewEventView['outcome'], BadgeTone> = {
  kept: 'good',
  dropped: 'neutral',
  dead_lettered: 'bad',
};

function show(v: unknown): string {
  return JSON.stringify(v) ?? 'undefined';
}

function changeLine(c: Change): string {
  if (c.change === 'added') return `+ ${c.path}: ${show(c.after)}`;
  if (c.change === 'removed') return `- ${c.path}: ${show(c.before)}`;
  return `~ ${c.path}: ${show(c.before)} → ${show(c.after)}`;
}

/** Each previewed event: what became of it, and for kept ones what the steps changed. */
export function PreviewEvents({ events }: { events: readonly PreviewEventView[] }) {
  if (events.length === 0) return <p className={styles.muted}>No input events found to preview on.</p>;
  return (
    <div data-testid="preview-events">
      {events.map((e, i) => (
        <details
          key={`${e.event_id}-${i}`}
          className={styles.eventRow}
          data-testid="preview-event"
          data-outcome={e.outcome}
        >
          <summary>
            <Badge tone={outcomeTone[e.outcome]}>{e.outcome.replace('_', ' ')}</Badge>
            <span className="mono small">{e.event_id}</span>
            <span className="muted small">{e.event_type}</span>
            {e.origin === 'dead_letter' && <Badge tone="warn">dead letter</Badge>}
            {e.outputProblems.length > 0 && <Badge tone="bad">output refuses</Badge>}
            {e.reason && (
              <span className="muted small ellipsis">
                {e.code ? `${e.code}: ` : ''}
                {e.reason}
              </span>
            )}
          </summary>
          {e.changes.length > 0 ? (
            <pre className={styles.diff} data-testid="preview-diff">
              {e.changes.map((c) => (
                <span
                  key={c.path}
                  className={
                    c.change === 'added' ? styles.added : c.change === 'removed' ? styles.removed : undefined
                  }
                >
                  {changeLine(c)}
                  {'\n'}
                </span>
              ))}
            </pre>
          ) : (
            <p className={styles.muted}>{e.outcome === 'kept' ? 'unchanged' : 'not written'}</p>
          )}
          {e.outputProblems.length > 0 && (
            <ul className={styles.problems}>
              {e.outputProblems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
        </details>
      ))}
    </div>
  );
}
