import { createHash } from 'node:crypto';
import { runPanelQuery, singleFlight, type DashboardView, type PanelResult } from '@tributary/analytics';
import type { QueryTarget } from '@tributary/clickhouse';
import {
  dashboardRangeAt,
  TributaryError,
  type DashboardPanel,
  type DashboardRange,
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
}

export interface PanelDataDeps {
  clickhouse: QueryTarget;
  redis: Redis;
  redisPrefix: string;
  /** Whose committed progress is the watermark: the workers' group on the events topic. */
  progress: { group: string; topic: string };
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
  const query = resolvePanelQuery(dashboard, panel, variables, bucket, opts.range);
  const key = createHash('sha256')
    .update(JSON.stringify({ db: deps.clickhouse.database, query }))
    .digest('hex');
  const [{ value, from }, watermark] = await Promise.all([
    singleFlight(
      { redis: deps.redis, prefix: deps.redisPrefix },
      key,
      // NOTE: the query is not tied to one request's AbortSignal: other viewers may be waiting for
      // it. Its own limits (time, rows read, result rows) bound it instead.
      () => runPanelQuery(deps.clickhouse, query, { now: bucket }),
      { ttlMs: bucketMs, lockMs: 35_000 },
    ),
    dataWatermark(deps, { ...deps.progress, ...(opts.now === undefined ? {} : { now: opts.now }) }),
  ]);
  return { ...value, panelId, range: query.range, cache: from, watermark };
}
