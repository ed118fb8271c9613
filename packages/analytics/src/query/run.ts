import type { QueryTarget } from '@tributary/clickhouse';
import type { PanelQuery, PanelQueryInput } from '@tributary/contracts';
import { z } from 'zod';
import { planPanelQuery, type PanelSource, type ProcessorTable } from './plan.ts';

export interface PanelPoint {
  /** Bucket start, epoch milliseconds (UTC). */
  t: number;
  /** null: no value in the bucket (avg, min, max, quantiles, sum of nothing). */
  v: number | null;
}

export interface PanelSeries {
  /** The group's values in groupBy order ('' for a missing value); [] when not grouped. */
  key: string[];
  points: PanelPoint[];
}

export interface PanelResult {
  series: PanelSeries[];
  /** Where the numbers came from: a rollup, raw rows (events or a processor's table), raw SQL. */
  source: PanelSource | 'sql';
  reason: string;
  interval: number;
  /**
   * From X-ClickHouse-Summary. NOTE: the embedded server (chDB) reports the result's rows as
   * read_rows and no elapsed time; a ClickHouse server reports the rows it read from storage.
   */
  stats: { rowsRead: number; bytesRead: number; elapsedMs: number };
}

export interface RunPanelOptions {
  signal?: AbortSignal;
  now?: number;
  forceRaw?: boolean;
  /** A processor source's table (see PlanOptions.table). */
  table?: ProcessorTable;
  /** See PlanOptions.maxPoints. */
  maxPoints?: number;
  /** Per-query limits (defaults: 30 s, 500 million rows read). */
  maxExecutionSeconds?: number;
  maxRowsToRead?: number;
}

const rowSchema = z.object({
  g0: z.string().optional(),
  g1: z.string().optional(),
  t: z.number(),
  v: z.number().nullable(),
});

const summarySchema = z.object({
  read_rows: z.coerce.number().default(0),
  read_bytes: z.coerce.number().default(0),
  elapsed_ns: z.coerce.number().default(0),
});

function parseSummary(header: string | string[] | undefined): z.output<typeof summarySchema> | null {
  const text = Array.isArray(header) ? header[0] : header;
  if (!text) return null;
  try {
    const parsed = summarySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Measures with a natural zero: an empty bucket is 0, not "no value". */
const zeroWhenEmpty = new Set(['count', 'unique_users', 'uniq']);

/**
 * Runs a panel query on the source planPanelQuery chose and returns one series per group, every
 * bucket of the range present (empty ones 0 for counts, null otherwise).
 */
export async function runPanelQuery(
  target: QueryTarget,
  input: PanelQueryInput | PanelQuery,
  options: RunPanelOptions = {},
): Promise<PanelResult> {
  const plan = planPanelQuery(input, {
    database: target.database,
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(options.forceRaw ? { forceRaw: true } : {}),
    ...(options.table ? { table: options.table } : {}),
    ...(options.maxPoints !== undefined ? { maxPoints: options.maxPoints } : {}),
  });
  // The client only listens for 'abort' events: a signal aborted before the call would be missed.
  options.signal?.throwIfAborted();
  const started = performance.now();
  const result = await target.client.query({
    query: plan.sql,
    query_params: plan.params,
    format: 'JSONEachRow',
    ...(options.signal ? { abort_signal: options.signal } : {}),
    clickhouse_settings: {
      output_format_json_quote_64bit_integers: 0,
      max_execution_time: options.maxExecutionSeconds ?? 30,
      max_rows_to_read: String(options.maxRowsToRead ?? 500_000_000),
      max_result_rows: String(plan.resultRowsCap),
      result_overflow_mode: 'throw',
      // A closed connection (the AbortSignal, a browser gone) stops the query on the server.
      cancel_http_readonly_queries_on_client_close: 1,
      // Headers go out when the query ends, so X-ClickHouse-Summary has the final figures.
      wait_end_of_query: 1,
    },
  });
  const rows = z.array(rowSchema).parse(await result.json());
  const wallMs = performance.now() - started;
  const summary = parseSummary(result.response_headers['x-clickhouse-summary']);

  const keyed = new Map<string, { key: string[]; values: Map<number, number | null> }>();
  for (const row of rows) {
    const key = plan.query.groupBy.map((_, i) => (i === 0 ? row.g0 : row.g1) ?? '');
    const id = JSON.stringify(key);
    let series = keyed.get(id);
    if (!series) keyed.set(id, (series = { key, values: new Map() }));
    // NaN/Infinity never reach JSON as numbers; a non-finite value is "no value".
    series.values.set(row.t * 1000, row.v !== null && Number.isFinite(row.v) ? row.v : null);
  }

  const step = plan.interval * 1000;
  const first = Math.floor(plan.query.range.from / step) * step;
  const empty = zeroWhenEmpty.has(plan.query.measure.fn) ? 0 : null;
  const series: PanelSeries[] = [...keyed.values()].map(({ key, values }) => {
    const points: PanelPoint[] = [];
    for (let t = first; t < plan.query.range.to; t += step) points.push({ t, v: values.get(t) ?? empty });
    return { key, points };
  });

  return {
    series,
    source: plan.source,
    reason: plan.reason,
    interval: plan.interval,
    stats: {
      rowsRead: summary?.read_rows ?? 0,
      bytesRead: summary?.read_bytes ?? 0,
      // The embedded server reports elapsed_ns 0; then the round trip measured here stands in.
      elapsedMs: summary && summary.elapsed_ns > 0 ? summary.elapsed_ns / 1e6 : wallMs,
    },
  };
}
