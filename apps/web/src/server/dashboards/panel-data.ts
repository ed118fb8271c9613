import { createHash } from 'node:crypto';
import {
  runPanelQuery,
  runSqlPanel,
  singleFlight,
  type DashboardView,
  type PanelResult,
  type ProcessorTable,
  type SqlColumn,
} from '@tributary/analytics';
import type { QueryTarget } from '@tributary/clickhouse';
import {
  dashboardRangeAt,
  isSqlPanel,
  TributaryError,
  type DashboardPanel,
  type DashboardRange,
  type ErrorCode,
  type PanelFilter,
  type PanelQuery,
} from '@tributary/contracts';
import type { Redis } from 'ioredis';
import { dataWatermark, type Watermark } from './watermark.ts';

/** The shortest bucket a panel's result is cached for (a dashboard without auto-refresh). */
const MIN_BUCKET_MS = 5_000;

export interface PanelData extends PanelResult {
  panelId: string;
  /** The range the result covers (epoch ms): the dashboard's, ending at the bucket's start. */
  range: { from: number; to: number };
  /** 'computed': this request ran the query; otherwise another viewer's result was served. */
  cache: 'computed' | 'cached' | 'waited';
  /** The data's watermark (see watermark.ts); the console turns it into a freshness badge. */
  watermark: Watermark;
  /** Things the viewer should know about the numbers (a field gone from the schema). */
  notices: string[];
  /** An SQL panel's result as ClickHouse gave it (a table panel may show it as is). */
  table?: { columns: SqlColumn[]; rows: unknown[][] };
}

/** Why SQL panels cannot run in a deployment without the analyst user. */
export const SQL_NOT_CONFIGURED =
  'raw SQL panels are not set up here: the console has no analyst ClickHouse user (set ANALYST_CLICKHOUSE_USER and ANALYST_CLICKHOUSE_PASSWORD)';

/** The analyst target, or the plain refusal when this deployment has none. */
export function requireAnalyst(target: QueryTarget | null | undefined): QueryTarget {
  // bad_request, not unavailable: nothing is down, this deployment is not set up for it.
  if (!target) throw new TributaryError('bad_request', SQL_NOT_CONFIGURED, undefined, { retryable: false });
  return target;
}

export interface PanelDataDeps {
  clickhouse: QueryTarget;
  redis: Redis;
  redisPrefix: string;
  /** Whose committed progress is the watermark: the workers' group on the events topic. */
  progress: { group: string; topic: string };
  /** The read-only analyst user SQL panels run as; null or absent: SQL panels are refused. */
  analyst?: QueryTarget | null;
  /** A processor source's table (processor-table.ts); absent: processor panels are refused. */
  processorTable?: (processor: string) => Promise<ProcessorTable>;
  /** Notes about fields a panel reads (fields.ts fieldNotices); absent: none. */
  fieldNotices?: (query: PanelQuery) => Promise<string[]>;
}

/** A panel's stored query with the dashboard's range and the variables' values applied. */
export function resolvePanelQuery(
  dashboard: DashboardView,
  panel: DashboardPanel,
  variables: Record<string, string | null>,
  now: number,
  range: DashboardRange = dashboard.definition.range,
): PanelQuery {
  const filters: PanelFilter[] = [];
  for (const f of panel.query.filters) {
    if (!('variable' in f)) {
      filters.push(f);
      continue;
    }
    const variable = dashboard.definition.variables.find((v) => v.name === f.variable);
    const value = f.variable in variables ? variables[f.variable] : (variable?.default ?? null);
    // An unset variable filters nothing: the panel shows every value.
    if (value !== null && value !== undefined && value !== '')
      filters.push({ field: f.field, op: f.op, value });
  }
  return {
    source: panel.query.source,
    measure: panel.query.measure,
    groupBy: panel.query.groupBy,
    filters,
    interval: panel.query.interval,
    seriesLimit: panel.query.seriesLimit,
    range: dashboardRangeAt(range, now),
  };
}

/** A failure kept for the bucket like a result: the same query would fail the same way. */
type Outcome<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

/** Failures that say something about the query itself, not about a dependency being down. */
const KEPT_FAILURES = new Set<ErrorCode>(['bad_request', 'not_found', 'query_too_large', 'query_failed']);

/**
 * Runs `compute` and keeps its result — or its failure about the query (an SQL panel that runs
 * past its 30 s, a column that is gone) — for the bucket, so 50 viewers of a panel that fails do
 * not each run it again once the first attempt failed. Other failures are not kept.
 */
async function keepOutcome<T>(compute: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await compute() };
  } catch (err) {
    if (err instanceof TributaryError && KEPT_FAILURES.has(err.code)) {
      return { ok: false, code: err.code, message: err.message };
    }
    throw err;
  }
}

function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new TributaryError(outcome.code, outcome.message);
}

/**
 * One panel's data, cached and single-flighted in Redis per (resolved query, time bucket): any
 * number of viewers refreshing inside one bucket cause one ClickHouse query. The bucket is the
 * dashboard's refresh interval (at least 5 s), and the range ends at the bucket's start, so every
 * viewer in the bucket asks exactly the same query.
 */
export async function panelData(
  deps: PanelDataDeps,
  dashboard: DashboardView,
  panelId: string,
  variables: Record<string, string | null>,
  opts: { now?: number; range?: DashboardRange } = {},
): Promise<PanelData> {
  const panel = dashboard.definition.panels.find((p) => p.id === panelId);
  if (!panel) throw new TributaryError('not_found', `dashboard ${dashboard.slug} has no panel ${panelId}`);
  const bucketMs = Math.max(MIN_BUCKET_MS, dashboard.definition.refreshSeconds * 1000);
  const bucket = Math.floor((opts.now ?? Date.now()) / bucketMs) * bucketMs;
  const watermark = () =>
    dataWatermark(deps, { ...deps.progress, ...(opts.now === undefined ? {} : { now: opts.now }) });
  const flight = { redis: deps.redis, prefix: deps.redisPrefix };

  if (isSqlPanel(panel)) {
    const analyst = requireAnalyst(deps.analyst);
    const range = dashboardRangeAt(opts.range ?? dashboard.definition.range, bucket);
    const key = createHash('sha256')
      .update(JSON.stringify({ db: analyst.database, sql: panel.sql, range }))
      .digest('hex');
    const [{ value, from }, wm] = await Promise.all([
      // NOTE: not tied to one request's AbortSignal (other viewers may wait for it): the panel
      // limits bound it (30 s, result rows and bytes, rows read).
      singleFlight(
        flight,
        `sql:${key}`,
        () => keepOutcome(() => runSqlPanel(analyst, panel.sql, { range })),
        {
          ttlMs: bucketMs,
          lockMs: 45_000,
        },
      ),
      watermark(),
    ]);
    const { columns, rows, ...result } = unwrap(value);
    return { ...result, panelId, range, cache: from, watermark: wm, notices: [], table: { columns, rows } };
  }

  const query = resolvePanelQuery(dashboard, panel, variables, bucket, opts.range);
  const key = createHash('sha256')
    .update(JSON.stringify({ db: deps.clickhouse.database, query }))
    .digest('hex');
  const [{ value, from }, wm] = await Promise.all([
    singleFlight(
      flight,
      key,
      // NOTE: the query is not tied to one request's AbortSignal: other viewers may be waiting for
      // it. Its own limits (time, rows read, result rows) bound it instead.
      () =>
        keepOutcome(async (): Promise<PanelResult & { notices: string[] }> => {
          const source = query.source;
          if (source.kind === 'processor') {
            if (!deps.processorTable) {
              throw new TributaryError('bad_request', 'processor sources are not available here');
            }
            const table = await deps.processorTable(source.processor);
            return { ...(await runPanelQuery(deps.clickhouse, query, { now: bucket, table })), notices: [] };
          }
          const [result, notices] = await Promise.all([
            runPanelQuery(deps.clickhouse, query, { now: bucket }),
            deps.fieldNotices ? deps.fieldNotices(query) : Promise.resolve([]),
          ]);
          return { ...result, notices };
        }),
      { ttlMs: bucketMs, lockMs: 35_000 },
    ),
    watermark(),
  ]);
  return { ...unwrap(value), panelId, range: query.range, cache: from, watermark: wm };
}
