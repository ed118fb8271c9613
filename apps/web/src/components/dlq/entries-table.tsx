'use client';

import type { DlqEntrySummary } from '@tributary/contracts';
import Link from 'next/link';
import { StatusPill } from './status-pill.tsx';
import { When } from './when.tsx';

interface Props {
  entries: DlqEntrySummary[];
  selected: ReadonlySet<string>;
  onToggle: (id: string, on: boolean) => void;
  onToggleAll: (ids: string[], on: boolean) => void;
}

export function entryHref(id: string): string {
  return `/dlq/${encodeURIComponent(id)}`;
}

/** One page of entries, newest first, each with a checkbox for the actions. */
export function EntriesTable({ entries, selected, onToggle, onToggleAll }: Props) {
  const ids = entries.map((e) => e.id);
  const allOn = ids.length > 0 && ids.every((id) => selected.has(id));
  return (
    <table className="table dense fixed entries" data-testid="dlq-entries">
      <colgroup>
        <col style={{ width: 46 }} />
        <col style={{ width: 110 }} />
        <col style={{ width: 200 }} />
        <col style={{ width: 220 }} />
        <col />
        <col style={{ width: 82 }} />
        <col style={{ width: 104 }} />
      </colgroup>
      <thead>
        <tr>
          <th className="check-col">
            <input
              type="checkbox"
              aria-label="Select every entry on this page"
              checked={allOn}
              disabled={ids.length === 0}
              onChange={(e) => onToggleAll(ids, e.target.checked)}
              data-testid="select-page"
            />
          </th>
          <th>Failed</th>
          <th>Stage · code</th>
          <th>Event</th>
          <th>Reason and payload</th>
          <th className="num">Attempts</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.id} data-testid="dlq-entry" data-id={e.id} data-event-id={e.event_id}>
            <td className="check-col">
              <input
                type="checkbox"
                aria-label={`Select ${e.event_id}`}
                checked={selected.has(e.id)}
                onChange={(ev) => onToggle(e.id, ev.target.checked)}
                data-testid="select-entry"
              />
            </td>
            <td className="muted small">
              <When iso={e.failed_at} />
            </td>
            <td className="ellipsis">
              <span className="muted small">{e.stage}</span> <span className="pill pill-bad">{e.code}</span>
            </td>
            <td className="event-cell">
              <div className="ellipsis">
                <Link href={entryHref(e.id)} className="subject-link mono small" data-testid="entry-link">
                  {e.event_id}
                </Link>
              </div>
              <div className="muted small mono ellipsis">
                {e.event_type ?? '(no type)'}
                {e.source ? ` · ${e.source}` : ''}
              </div>
            </td>
            <td className="reason-cell">
              <div className="ellipsis" title={e.message}>
                {e.message}
              </div>
              <div className="muted small mono ellipsis" title={e.payload_preview}>
                {e.payload_preview}
              </div>
            </td>
            <td className="num">{e.attempts}</td>
            <td>
              <StatusPill status={e.status} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
