'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useDebounced } from '../../lib/use-debounced.ts';
import { useTRPC } from '../../trpc/react.tsx';
import { QueryError } from '../error-banner.tsx';
import { AuditFilters, EMPTY_AUDIT_FORM, type AuditFilterForm } from './audit-filters.tsx';
import { AuditTable } from './audit-table.tsx';

const PAGE_SIZE = 50;
const TYPING_MS = 300;

interface Cursor {
  at: string;
  id: string;
}

/** A datetime-local value (the browser's local time) as an ISO instant, or undefined. */
function instant(local: string): string | undefined {
  if (!local) return undefined;
  const t = new Date(local);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

function filterOf(form: AuditFilterForm) {
  const from = instant(form.from);
  const to = instant(form.to);
  return {
    ...(form.actor.trim() ? { actor: form.actor.trim() } : {}),
    ...(form.action ? { action: form.action } : {}),
    ...(form.entity ? { entity: form.entity } : {}),
    ...(form.entityId.trim() ? { entityId: form.entityId.trim() } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}

/** The audit trail for admins: who changed what, from where, newest first. */
export function AuditView() {
  const trpc = useTRPC();
  const [form, setForm] = useState<AuditFilterForm>(EMPTY_AUDIT_FORM);
  const typed = useDebounced(form, TYPING_MS);
  const filter = useMemo(() => filterOf(typed), [typed]);
  const filterKey = JSON.stringify(filter);
  // Pages are a stack of cursors, reset whenever the filter changes.
  const [paging, setPaging] = useState<{ key: string; cursors: Cursor[] }>({ key: filterKey, cursors: [] });
  const cursors = paging.key === filterKey ? paging.cursors : [];
  const setCursors = (next: Cursor[]) => setPaging({ key: filterKey, cursors: next });

  const facets = useQuery(trpc.audit.facets.queryOptions());
  const list = useQuery(
    trpc.audit.list.queryOptions(
      { filter, cursor: cursors.at(-1) ?? null, limit: PAGE_SIZE },
      { placeholderData: keepPreviousData },
    ),
  );
  const page = list.error ? undefined : list.data;
  const offset = cursors.length * PAGE_SIZE;

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Audit</h1>
          <div className="muted small">
            Every change made in the console or over the API: who, what, when and from where. Rows cannot be
            edited or deleted.
          </div>
        </div>
      </div>
      <QueryError queries={[list, facets]} />
      <section className="card">
        <AuditFilters
          form={form}
          onChange={setForm}
          actions={facets.data?.actions ?? []}
          entities={facets.data?.entities ?? []}
        />
      </section>
      <section className={`card table-card${list.isPlaceholderData ? ' stale' : ''}`}>
        {page && (
          <>
            <AuditTable rows={page.rows} />
            {page.rows.length === 0 && (
              <p className="muted empty-row" data-testid="audit-empty">
                No audit rows match.
              </p>
            )}
          </>
        )}
        <div className="pager">
          <span className="muted small" data-testid="audit-page-range">
            {page && page.rows.length > 0 ? `${offset + 1}–${offset + page.rows.length}` : ''}
          </span>
          <button
            type="button"
            className="btn btn-small"
            disabled={cursors.length === 0}
            onClick={() => setCursors(cursors.slice(0, -1))}
            data-testid="audit-page-newer"
          >
            ← Newer
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={!page?.next}
            onClick={() => page?.next && setCursors([...cursors, page.next])}
            data-testid="audit-page-older"
          >
            Older →
          </button>
        </div>
      </section>
    </>
  );
}
