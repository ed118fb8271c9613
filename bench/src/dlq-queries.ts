import type { QueryTarget } from '@tributary/clickhouse';
import type { DlqCursor, DlqFilter } from '@tributary/contracts';
import { listEntries, listGroups, type PiiView } from '@tributary/dlq';
import { DAY_MS, TEXT_NONE, TEXT_SOME } from './dlq-data.ts';
import { timeIt, type Timing } from './dlq-stats.ts';

export const PAGE = 50;

/** One page of the list, however it is computed (the library, or a prototype to compare). */
export type Lister = (
  filter: DlqFilter,
  cursor: DlqCursor | null,
  limit: number,
) => Promise<{ shown: number; total: number; nextCursor: DlqCursor | null; firstAt: string | null }>;

/** listEntries exactly as the console calls it. */
export function libraryLister(target: QueryTarget, pii: PiiView): Lister {
  return async (filter, cursor, limit) => {
    const page = await listEntries(target, { filter, cursor, limit }, pii);
    return {
      shown: page.entries.length,
      total: page.total,
      nextCursor: page.nextCursor,
      firstAt: page.entries[0]?.failed_at ?? null,
    };
  };
}

export interface ListShape {
  name: string;
  /** The filter of timed run `run` (0 is the warm-up). */
  filter: (run: number) => DlqFilter;
  /** Fetch page 20 (cursor walked once beforehand, untimed) instead of page 1. */
  deep?: boolean;
}

/** The list as a person on call uses it: first page of 50 under each filter, and a page deep. */
export function listShapes(now: number): ListShape[] {
  const iso = (ms: number) => new Date(ms).toISOString();
  const day: DlqFilter = { from: iso(now - DAY_MS) };
  const all: DlqFilter = { from: iso(now - 14 * DAY_MS) };
  const fixed = (name: string, filter: DlqFilter): ListShape => ({ name, filter: () => filter });
  return [
    fixed('list, no filter, 24 h', day),
    fixed('list, no filter, 14 d', all),
    fixed('list, stage worker + code transform_error, 14 d', {
      ...all,
      stages: ['worker'],
      codes: ['transform_error'],
    }),
    fixed('list, event type checkout_completed, 14 d', { ...all, eventType: 'checkout_completed' }),
    fixed('list, source ios, 14 d', { ...all, source: 'ios' }),
    fixed('list, status pending, 14 d', { ...all, status: 'pending' }),
    fixed('list, status replayed, 14 d', { ...all, status: 'replayed' }),
    fixed(`list, payload text '${TEXT_SOME}' (~3 %), 14 d`, { ...all, text: TEXT_SOME }),
    // A new text every run: ClickHouse's query condition cache remembers granules where a
    // condition was false, so repeating one text that matches nothing would time the cache.
    {
      name: `list, payload text matching none (new each run), 14 d`,
      filter: (run) => ({ ...all, text: `${TEXT_NONE}-${run}` }),
    },
    fixed(`list, payload text '${TEXT_SOME}', 24 h`, { ...day, text: TEXT_SOME }),
    { name: 'list, page 20 via cursor, no filter, 14 d', filter: () => all, deep: true },
  ];
}

export async function timeListShapes(
  lister: Lister,
  shapes: ListShape[],
  runs: number,
  log: (m: string) => void,
  label = '',
): Promise<Timing[]> {
  const out: Timing[] = [];
  for (const s of shapes) {
    let cursor: DlqCursor | null = null;
    if (s.deep) {
      for (let p = 1; p < 20; p++) cursor = (await lister(s.filter(0), cursor, PAGE)).nextCursor;
    }
    const t = await timeIt(`${s.name}${label}`, runs, async (run) => {
      const page = await lister(s.filter(run), cursor, PAGE);
      return s.deep
        ? `${page.shown} shown, newest ${page.firstAt ?? '-'}`
        : `${page.shown} shown of ${page.total.toLocaleString('en-US')}`;
    });
    log(
      `${t.name}: first ${t.first.toFixed(0)} ms, p50 ${t.p50.toFixed(0)} ms, p95 ${t.p95.toFixed(0)} ms (${t.note})`,
    );
    out.push(t);
  }
  return out;
}

/** The grouped view (listGroups) as the console calls it. */
export async function timeGroupShapes(
  target: QueryTarget,
  now: number,
  runs: number,
  log: (m: string) => void,
): Promise<Timing[]> {
  const iso = (ms: number) => new Date(ms).toISOString();
  const day: DlqFilter = { from: iso(now - DAY_MS) };
  const all: DlqFilter = { from: iso(now - 14 * DAY_MS) };
  const shapes: Array<[string, DlqFilter]> = [
    ['grouped view, 24 h', day],
    ['grouped view, 14 d', all],
    ['grouped view, stage sink, 14 d', { ...all, stages: ['sink'] }],
    ['grouped view, source android, 14 d', { ...all, source: 'android' }],
    ['grouped view, status pending, 14 d', { ...all, status: 'pending' }],
  ];
  const out: Timing[] = [];
  for (const [name, filter] of shapes) {
    const t = await timeIt(name, runs, async () => {
      const r = await listGroups(target, filter, { now });
      const n = r.groups.reduce((s, g) => s + g.count, 0);
      return `${r.groups.length} groups over ${n.toLocaleString('en-US')}`;
    });
    log(
      `${name}: first ${t.first.toFixed(0)} ms, p50 ${t.p50.toFixed(0)} ms, p95 ${t.p95.toFixed(0)} ms (${t.note})`,
    );
    out.push(t);
  }
  return out;
}
