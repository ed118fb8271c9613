'use client';

import type { DlqCursor, DlqGroup, DlqSelection } from '@tributary/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import {
  anchorNow,
  buildFilter,
  DLQ_PAGE_SIZE,
  dlqRangeKeys,
  dlqRanges,
  knownErrorCodes,
  paramsFor,
  type DlqFilterForm,
  type DlqRange,
} from '../../lib/dlq-filter.ts';
import { errorText, pollUnlessFailed } from '../../lib/error-text.ts';
import { formatCount, formatTimestamp } from '../../lib/format.ts';
import { useTRPC } from '../../trpc/react.tsx';
import { failureOf, QueryError, type QueryLike } from '../error-banner.tsx';
import { ActionsPanel } from './actions-panel.tsx';
import { EntriesTable } from './entries-table.tsx';
import { FiltersBar } from './filters-bar.tsx';
import { GroupsTable } from './groups-table.tsx';
import { PiiControl } from './pii-control.tsx';
import { RecentReplays } from './recent-replays.tsx';
import { RetentionControl } from './retention-control.tsx';
import { useDebounced } from '../../lib/use-debounced.ts';

/** Lists refresh on their own: on call, new failures should show up without a reload. */
const REFRESH_MS = 5000;
const TYPING_MS = 300;
/** A selection by ids is capped server-side; beyond it, "everything matching" is the tool. */
const MAX_SELECTED = 1000;

interface Props {
  initialRange: DlqRange;
  initialForm: DlqFilterForm;
  initialAnchor: number;
}

type Scope = 'selected' | 'filter';

/** Holds a value together with the filter it belongs to; a new filter starts it afresh. */
function useKeyed<T>(key: string, initial: () => T): [T, (next: T) => void] {
  const [state, setState] = useState(() => ({ key, value: initial() }));
  const value = state.key === key ? state.value : initial();
  return [value, (next: T) => setState({ key, value: next })];
}

export function DlqView({ initialRange, initialForm, initialAnchor }: Props) {
  const trpc = useTRPC();
  const [range, setRange] = useState(initialRange);
  const [anchor, setAnchor] = useState(initialAnchor);
  const [form, setForm] = useState(initialForm);
  // Picks apply at once; typed text waits for a pause.
  const typed = useDebounced(
    useMemo(() => ({ eventType: form.eventType, source: form.source, text: form.text }), [form]),
    TYPING_MS,
  );
  const applied = useMemo(() => ({ ...form, ...typed }), [form, typed]);
  const filter = useMemo(() => buildFilter(range, anchor, applied), [range, anchor, applied]);
  const filterKey = JSON.stringify(filter);

  useEffect(() => {
    const q = paramsFor(range, applied);
    // Next integrates history.replaceState with its router: the view is shareable, no reload.
    window.history.replaceState(null, '', q ? `?${q}` : window.location.pathname);
  }, [range, applied]);

  const [cursors, setCursors] = useKeyed<DlqCursor[]>(filterKey, () => []);
  const [selected, setSelected] = useKeyed<ReadonlySet<string>>(filterKey, () => new Set());
  const [scopeChoice, setScopeChoice] = useState<Scope | null>(null);
  const scope: Scope = scopeChoice ?? (selected.size > 0 ? 'selected' : 'filter');

  const live = { refetchInterval: pollUnlessFailed(REFRESH_MS), placeholderData: keepPreviousData };
  const groups = useQuery(trpc.dlq.groups.queryOptions({ filter }, live));
  const cursor = cursors.at(-1) ?? null;
  const list = useQuery(trpc.dlq.list.queryOptions({ filter, cursor, limit: DLQ_PAGE_SIZE }, live));

  // A filter the server refused is said at the filters; any other failure in the page's banner.
  const refused = [list.error, groups.error].find((e) => e?.data?.tributaryCode === 'bad_request');
  // Figures of another filter are not shown as this one's while it fails.
  const stale = (q: QueryLike & { isPlaceholderData: boolean }) =>
    q.error !== null || (failureOf(q) !== null && q.isPlaceholderData);
  const page = stale(list) ? undefined : list.data;
  const groupRows = stale(groups) ? undefined : groups.data?.groups;
  const total = page?.total ?? null;
  const offset = cursors.length * DLQ_PAGE_SIZE;
  const codes = useMemo(
    () => [...new Set([...knownErrorCodes, ...(groups.data?.groups.map((g) => g.code) ?? [])])],
    [groups.data],
  );

  const pickRange = (r: DlqRange) => {
    setRange(r);
    setAnchor(anchorNow());
  };
  const pickGroup = (g: DlqGroup) => {
    setScopeChoice(null);
    setForm((f) =>
      f.code === g.code && f.reason === g.message
        ? { ...f, code: '', reason: '' }
        : { ...f, code: g.code, reason: g.message },
    );
  };
  const toggle = (ids: string[], on: boolean) => {
    const next = new Set(selected);
    for (const id of ids) {
      if (on) next.add(id);
      else next.delete(id);
    }
    setSelected(next);
  };

  const tooMany = selected.size > MAX_SELECTED;
  let selection: DlqSelection | null = null;
  let count: number | null = null;
  let what: string;
  if (scope === 'selected') {
    selection = selected.size > 0 && !tooMany ? { kind: 'ids', ids: [...selected] } : null;
    count = selected.size;
    what = `${formatCount(selected.size)} selected`;
  } else {
    selection = refused ? null : { kind: 'filter', filter };
    count = total;
    what =
      total === null ? 'everything matching the filter' : `all ${formatCount(total)} matching the filter`;
  }

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Dead letters</h1>
          <div className="muted small">
            Events that did not reach ClickHouse, with why. Since {formatTimestamp(filter.from ?? anchor)}.
          </div>
        </div>
        <div className="segmented" role="group" aria-label="Time range">
          {dlqRangeKeys.map((r) => (
            <button
              key={r}
              type="button"
              className={r === range ? 'active' : ''}
              aria-pressed={r === range}
              onClick={() => pickRange(r)}
              data-testid={`range-${r}`}
            >
              {dlqRanges[r].label}
            </button>
          ))}
        </div>
      </div>
      <div className="toolbar">
        <RetentionControl />
        <PiiControl />
      </div>
      {!refused && <QueryError queries={[list, groups]} />}

      <section className={`card table-card${groups.isPlaceholderData ? ' stale' : ''}`}>
        <h2 className="card-title">Failures by reason · last {dlqRanges[range].label}</h2>
        <GroupsTable
          groups={groups.error ? [] : groupRows}
          active={{ code: applied.code, reason: applied.reason }}
          onPick={pickGroup}
        />
      </section>

      <section className="card">
        <div className="card-head">
          <h2>
            Entries{' '}
            <span className="muted" data-testid="dlq-total">
              {total === null ? '' : `${formatCount(total)} matching`}
            </span>
          </h2>
        </div>
        <FiltersBar
          form={form}
          onChange={(next) => {
            setScopeChoice(null);
            setForm(next);
          }}
          codes={codes}
          error={refused ? errorText(refused) : null}
          textSkippedTypes={page?.textSkippedTypes ?? []}
        />
        <div className="scope-row">
          <span className="muted small">Act on</span>
          <div className="segmented" role="group" aria-label="What the actions apply to">
            <button
              type="button"
              className={scope === 'selected' ? 'active' : ''}
              aria-pressed={scope === 'selected'}
              onClick={() => setScopeChoice('selected')}
              data-testid="scope-selected"
            >
              Selected ({formatCount(selected.size)})
            </button>
            <button
              type="button"
              className={scope === 'filter' ? 'active' : ''}
              aria-pressed={scope === 'filter'}
              onClick={() => setScopeChoice('filter')}
              data-testid="scope-filter"
            >
              Everything matching the filter{total === null ? '' : ` (${formatCount(total)})`}
            </button>
          </div>
          {selected.size > 0 && (
            <button type="button" className="btn btn-small" onClick={() => setSelected(new Set())}>
              Clear selection
            </button>
          )}
        </div>
        {tooMany && (
          <div className="field-error">
            At most {formatCount(MAX_SELECTED)} entries can be selected one by one; narrow the filter and act
            on everything matching it instead.
          </div>
        )}
        <ActionsPanel
          selection={selection}
          selectionKey={`${scope}:${JSON.stringify(selection)}`}
          count={count}
          what={what}
          emptyHint={
            scope === 'selected'
              ? 'Tick entries below, or act on everything matching the filter.'
              : refused
                ? 'Fix the filter first.'
                : total === 0
                  ? 'Nothing matches the filter.'
                  : undefined
          }
        />
      </section>

      <section className={`card table-card${list.isPlaceholderData ? ' stale' : ''}`}>
        {page ? (
          <>
            <EntriesTable
              entries={page.entries}
              selected={selected}
              onToggle={(id, on) => toggle([id], on)}
              onToggleAll={toggle}
            />
            {page.entries.length === 0 && (
              <p className="muted empty-row" data-testid="entries-empty">
                {cursors.length > 0 ? 'No older entries.' : 'No dead letters match.'}
              </p>
            )}
          </>
        ) : (
          <p className="muted empty-row">
            {refused
              ? 'No entries: the filter was refused.'
              : list.error
                ? 'No entries to show.'
                : 'Loading…'}
          </p>
        )}
        <div className="pager">
          <span className="muted small" data-testid="page-range">
            {page && page.entries.length > 0
              ? `${formatCount(offset + 1)}–${formatCount(offset + page.entries.length)} of ${formatCount(page.total)}`
              : ''}
          </span>
          <button
            type="button"
            className="btn btn-small"
            disabled={cursors.length === 0}
            onClick={() => setCursors(cursors.slice(0, -1))}
            data-testid="page-newer"
          >
            ← Newer
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={!page?.nextCursor}
            onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}
            data-testid="page-older"
          >
            Older →
          </button>
        </div>
      </section>

      <RecentReplays />
    </>
  );
}
