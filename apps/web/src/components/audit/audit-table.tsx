'use client';

import { Fragment, useState } from 'react';
import { formatTimestamp } from '../../lib/format.ts';

export interface AuditRowView {
  id: string;
  at: string;
  actor: string;
  actorKind: string;
  action: string;
  entity: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** One line per change; a click opens its before/after and the request it came from. */
export function AuditTable({ rows }: { rows: readonly AuditRowView[] }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <table className="table dense fixed" data-testid="audit-rows">
      <thead>
        <tr>
          <th style={{ width: '13rem' }}>When</th>
          <th>Actor</th>
          <th>Action</th>
          <th>Entity</th>
          <th style={{ width: '9rem' }}>IP</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <Fragment key={r.id}>
            <tr
              className={open === r.id ? 'clickable row-active' : 'clickable'}
              onClick={() => setOpen(open === r.id ? null : r.id)}
              data-testid="audit-row"
            >
              <td className="muted small">{formatTimestamp(r.at)}</td>
              <td className="ellipsis mono small" title={r.actor}>
                {r.actor} <span className="muted">({r.actorKind})</span>
              </td>
              <td className="mono small" data-testid="audit-action">
                {r.action}
              </td>
              <td className="ellipsis mono small" title={`${r.entity} ${r.entityId}`}>
                {r.entity} <span className="muted">{nameOf(r.after) ?? nameOf(r.before) ?? r.entityId}</span>
              </td>
              <td className="mono small">{r.ip ?? <span className="muted">—</span>}</td>
            </tr>
            {open === r.id && (
              <tr data-testid="audit-detail">
                <td colSpan={5}>
                  <div className="muted small">
                    request <span className="mono">{r.requestId ?? '—'}</span> · user agent{' '}
                    <span className="mono">{r.userAgent ?? '—'}</span>
                  </div>
                  <div className="filters-grid">
                    <Snapshot label="Before" value={r.before} />
                    <Snapshot label="After" value={r.after} />
                  </div>
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

function Snapshot({ label, value }: { label: string; value: unknown }) {
  return (
    <div>
      <div className="field-label">{label}</div>
      <pre className="mono small">
        {value === null || value === undefined ? '—' : JSON.stringify(value, null, 2)}
      </pre>
    </div>
  );
}

/** Entity ids are often uuids; the snapshots usually carry the name a person knows it by. */
function nameOf(snapshot: unknown): string | null {
  if (typeof snapshot !== 'object' || snapshot === null) return null;
  const { name, subject } = snapshot as { name?: unknown; subject?: unknown };
  if (typeof name === 'string') return name;
  return typeof subject === 'string' ? subject : null;
}
