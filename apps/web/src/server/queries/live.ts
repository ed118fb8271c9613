import { maskPii, type PiiView } from '@tributary/dlq';
import { z } from 'zod';
import { prettyJson } from '../../lib/format.ts';
import { alignDown, fillSeries, type Series } from '../../lib/time-buckets.ts';
import { LIVE_CHART } from '../../lib/windows.ts';
import { selectRows, type QueryTarget } from './run.ts';

const num = z.coerce.number();
const nullableNum = z.union([z.null(), num]);

export interface LiveOverview {
  /** Server clock when the figures were read, so "N s ago" does not depend on the browser. */
  now: number;
  totalEvents: number;
  lastEventAt: number | null;
  perMinute: Series & { stepMs: number };
}

export async function getLiveOverview(target: QueryTarget, now = Date.now()): Promise<LiveOverview> {
  const to = alignDown(now, LIVE_CHART.stepMs);
  const from = to - (LIVE_CHART.minutes - 1) * LIVE_CHART.stepMs;
  const [totals, perMinute] = await Promise.all([
    selectRows(
      target,
      `SELECT count() AS total,
              if(total = 0, NULL, toUnixTimestamp64Milli(max(received_at))) AS last
       FROM {db:Identifier}.events`,
      {},
      z.object({ total: num, last: nullableNum }),
    ),
    // events_per_minute is a SummingMergeTree: rows of one key may not be merged yet, so sum.
    selectRows(
      target,
      `SELECT toUnixTimestamp(minute) * 1000 AS t, event_type AS key, sum(events) AS value
       FROM {db:Identifier}.events_per_minute
       WHERE minute >= toDateTime({from:UInt32}, 'UTC') AND minute <= toDateTime({to:UInt32}, 'UTC')
       GROUP BY minute, event_type`,
      { from: from / 1000, to: to / 1000 },
      z.object({ t: num, key: z.string(), value: num }),
    ),
  ]);
  const total = totals[0];
  return {
    now,
    totalEvents: total?.total ?? 0,
    lastEventAt: total?.last ?? null,
    perMinute: { ...fillSeries(perMinute, from, to, LIVE_CHART.stepMs), stepMs: LIVE_CHART.stepMs },
  };
}

const tailRow = z.object({
  event_id: z.string(),
  event_type: z.string(),
  timestamp: num,
  received_at: num,
  user_id: z.string().nullable(),
  source: z.string(),
  schema_version: nullableNum,
  data: z.string(),
});

export type TailEvent = z.output<typeof tailRow> & {
  /** The pii-tagged paths whose values were masked for this viewer. */
  masked_fields: string[];
};

/**
 * The newest events by receive time, payload pretty-printed for display. Values tagged pii
 * (in data, and user_id) are masked unless `pii.reveal` (the caller holds pii:read); the
 * masking happens here, so a viewer without the grant never receives them.
 */
/** Narrows the tail to one flow (the lineage page links an edge here). */
export interface TailFilter {
  source?: string;
  eventType?: string;
  processor?: string;
}

export async function getLiveTail(
  target: QueryTarget,
  limit: number,
  pii: PiiView,
  filter: TailFilter = {},
): Promise<TailEvent[]> {
  const where = [
    filter.source !== undefined && 'source = {source:String}',
    filter.eventType !== undefined && 'event_type = {eventType:String}',
    filter.processor !== undefined && 'processor = {processor:String}',
  ].filter(Boolean);
  const rows = await selectRows(
    target,
    `SELECT event_id, event_type, source, user_id, schema_version,
            toUnixTimestamp64Milli(timestamp) AS timestamp,
            toUnixTimestamp64Milli(received_at) AS received_at,
            toJSONString(data) AS data
     FROM {db:Identifier}.events
     -- NOTE: the keys of the newest rows first (a top-N over small columns), then the payloads
     -- of those keys only, found through the sorting key. Filtering on received_at instead read
     -- the JSON payloads of every row: at 4M rows that took 4.5-7.7 s and over 200 MB (it
     -- climbed with the table in the soak, 186 → 504 MB in 4 minutes); this form takes
     -- 40-70 ms within 50 MB (docs/decisions/embedded-clickhouse.md, "Live tail").
     WHERE (event_type, source, event_id) IN (
       SELECT event_type, source, event_id FROM {db:Identifier}.events
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY received_at DESC LIMIT {scan:UInt32}
     )
     ORDER BY received_at DESC, event_id DESC
     -- ReplacingMergeTree folds retried inserts only at merge time; show each event once. An
     -- event is its (source, event_type, event_id): another source's event of that id is shown.
     LIMIT 1 BY source, event_type, event_id
     LIMIT {limit:UInt32}`,
    // Repeats of one event (retried inserts before a merge) are rare; four times the rows asked
    // leaves room for them.
    {
      limit,
      scan: limit * 4,
      ...Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)),
    },
    tailRow,
  );
  return rows.map((r) => shownToViewer(r, pii));
}

function shownToViewer(r: z.output<typeof tailRow>, pii: PiiView): TailEvent {
  const paths = pii.reveal ? [] : (pii.paths.get(r.event_type) ?? []);
  if (paths.length === 0) return { ...r, data: prettyJson(r.data), masked_fields: [] };
  // NOTE: toJSONString(data) is always JSON; were it not, nothing of it could be shown safely.
  let data: unknown;
  try {
    data = JSON.parse(r.data);
  } catch {
    return { ...r, data: '(withheld: may contain pii)', masked_fields: ['*'] };
  }
  const m = maskPii({ data, user_id: r.user_id }, paths);
  const shown = m.value as { data: unknown; user_id: string | null };
  return {
    ...r,
    data: JSON.stringify(shown.data, null, 2),
    user_id: shown.user_id,
    masked_fields: m.masked,
  };
}
