import {
  panelQueryFields,
  panelQuerySchema,
  panelQuerySchemaWithPoints,
  TributaryError,
  resolvePanelInterval,
  type PanelInterval,
  type PanelMeasure,
  type PanelQuery,
  type PanelQueryInput,
} from '@tributary/contracts';
import { fieldKey, fieldNumber, fieldValue, filterSql, Params, rollupColumns } from './fields.ts';

/**
 * `rollup_1m+raw`: the whole minutes of the range from the per-minute rollup, the partial
 * minutes at its ends from `events` (a range ending now, the common live case).
 */
export type PanelSource = 'rollup_1h' | 'rollup_1m' | 'rollup_1m+raw' | 'raw';

export interface PanelPlan {
  sql: string;
  /** Query parameters, `db` included: pass as query_params. */
  params: Record<string, unknown>;
  source: PanelSource;
  /** Why this source, in words for a person (shown beside the panel, logged). */
  reason: string;
  /** The query after defaults, and the interval 'auto' resolved to. */
  query: PanelQuery;
  interval: PanelInterval;
  /** Upper bound on result rows (series × points): the SQL's LIMIT. */
  maxRows: number;
  /**
   * max_result_rows for the run. ClickHouse checks it on subqueries too, so a plan that merges
   * parts (the split route) needs room for its parts; otherwise maxRows.
   */
  resultRowsCap: number;
}

export interface PlanOptions {
  database: string;
  /** Reserved for relative ranges; the planner itself does not read the clock. */
  now?: number;
  /** Skip the rollups (compare a routed answer with the raw one, debug a panel). */
  forceRaw?: boolean;
  /**
   * More points than PANEL_MAX_POINTS in one query, for callers that are not a chart: an alert
   * backtest reads its whole range at the rule's bucket in one scan.
   */
  maxPoints?: number;
  /**
   * For a `processor` source: its output table (`proc_<table>`) and the columns ClickHouse has
   * for it now (the caller resolves the processor; see processorTable in the console).
   */
  table?: ProcessorTable;
}

/** A processor's output table as it stands in ClickHouse. */
export interface ProcessorTable {
  processor: string;
  /** `proc_<table>`. */
  name: string;
  columns: readonly { name: string; type: string }[];
}

/** Why a processor-source query cannot run on its table (a column it names is gone), or null. */
export function processorFieldProblem(
  query: Pick<PanelQuery, 'measure' | 'groupBy'> & { filters: readonly { field: string }[] },
  table: ProcessorTable,
): string | null {
  const names = new Set(table.columns.map((c) => c.name));
  const missing = panelQueryFields(query).filter((f) => !names.has(f.field));
  if (missing.length > 0) {
    const list = [...new Set(missing.map((m) => m.field))].join(', ');
    return `processor ${table.processor}'s table ${table.name} has no column ${list} (any more): its columns are ${[...names].join(', ')}`;
  }
  if (query.measure.fn === 'unique_users' && !names.has('user_id')) {
    return `processor ${table.processor}'s table ${table.name} has no user_id column: count unique values of a column with uniq instead`;
  }
  return null;
}

interface Rollup {
  source: Exclude<PanelSource, 'raw'>;
  table: string;
  seconds: number;
}

// Coarsest first: the first one that answers exactly wins.
const rollups: readonly Rollup[] = [
  { source: 'rollup_1h', table: 'rollup_events_1h', seconds: 3600 },
  { source: 'rollup_1m', table: 'rollup_events_1m', seconds: 60 },
];

/** Why the rollups cannot answer this query at all (whatever the range), or null. */
function rollupRefusal(query: PanelQuery): string | null {
  if (query.measure.fn !== 'count' && query.measure.fn !== 'unique_users') {
    return `measure ${query.measure.fn} needs the events themselves`;
  }
  const grouped = query.groupBy.find((f) => !rollupColumns.has(f));
  if (grouped) return `group by ${grouped} is not kept in the rollups`;
  const filtered = query.filters.find((f) => !rollupColumns.has(f.field));
  if (filtered) return `filter on ${filtered.field} is not kept in the rollups`;
  return null;
}

/** Why one rollup cannot answer exactly (a bucket would be cut), or null. */
function misalignment(query: PanelQuery, interval: number, rollup: Rollup): string | null {
  const ms = rollup.seconds * 1000;
  if (interval % rollup.seconds !== 0)
    return `interval ${interval} s is not a multiple of ${rollup.seconds} s`;
  if (query.range.from % ms !== 0) return `the range starts inside a ${rollup.seconds} s bucket`;
  if (query.range.to % ms !== 0) return `the range ends inside a ${rollup.seconds} s bucket`;
  return null;
}

type Route =
  | { kind: 'raw'; rollup: null; reason: string }
  | { kind: 'exact'; rollup: Rollup; reason: string }
  /** Whole buckets in [core.from, core.to) from the rollup, the rest of the range from raw. */
  | { kind: 'split'; rollup: Rollup; core: { from: number; to: number }; reason: string };

/** The least max_result_rows a one-scan grouped raw plan runs with (see resultRowsCap). */
const ONE_PASS_MIN_RESULT_ROWS = 100_000;

/** The least max_result_rows a split plan runs with (see resultRowsCap). */
const SPLIT_MIN_RESULT_ROWS = 10_000;

/** A split is worth it when the whole minutes inside the range are most of it. */
const MIN_CORE_SHARE = 0.5;

function chooseRoute(query: PanelQuery, interval: number, forceRaw: boolean): Route {
  const exact = chooseSource(query, interval, forceRaw);
  if (exact.rollup) return { kind: 'exact', rollup: exact.rollup, reason: exact.reason };
  if (forceRaw || query.source.kind !== 'events' || rollupRefusal(query)) {
    return { kind: 'raw', rollup: null, reason: exact.reason };
  }
  // Only the range's ends are cut: the finest rollup answers the whole minutes inside it.
  const minute = rollups[rollups.length - 1]!;
  const ms = minute.seconds * 1000;
  const core = { from: Math.ceil(query.range.from / ms) * ms, to: Math.floor(query.range.to / ms) * ms };
  const share = (core.to - core.from) / (query.range.to - query.range.from);
  if (interval % minute.seconds !== 0 || share < MIN_CORE_SHARE) {
    return { kind: 'raw', rollup: null, reason: exact.reason };
  }
  return {
    kind: 'split',
    rollup: minute,
    core,
    reason: `whole minutes from ${minute.source}, the partial minutes at the range's ends from raw events (${exact.reason})`,
  };
}

function chooseSource(
  query: PanelQuery,
  interval: number,
  forceRaw: boolean,
): { rollup: Rollup | null; reason: string } {
  if (query.source.kind === 'processor') {
    return {
      rollup: null,
      reason: `processor ${query.source.processor}'s own table (rollups cover events only)`,
    };
  }
  if (forceRaw) return { rollup: null, reason: 'raw events requested' };
  const refusal = rollupRefusal(query);
  if (refusal) return { rollup: null, reason: refusal };
  const skipped: string[] = [];
  for (const rollup of rollups) {
    const why = misalignment(query, interval, rollup);
    if (!why) {
      const note = skipped.length ? ` (${skipped.join('; ')})` : '';
      return { rollup, reason: `${rollup.source} answers exactly${note}` };
    }
    skipped.push(`${rollup.source}: ${why}`);
  }
  return { rollup: null, reason: skipped.join('; ') };
}

function rawMeasure(measure: PanelMeasure, columns?: ReadonlySet<string>): string {
  switch (measure.fn) {
    case 'count':
      return 'count()';
    case 'unique_users':
      return 'uniqExact(user_id)';
    case 'uniq':
      return `uniqExact(${fieldValue(measure.field, columns)})`;
    case 'sum':
    case 'avg':
    case 'min':
    case 'max':
      return `${measure.fn}(${fieldNumber(measure.field, columns)})`;
    // Exact quantiles (an element of the data): the panel shows the same number every time,
    // where quantile()'s sampling could move above 8,192 values.
    case 'p50':
      return `quantileExact(0.5)(${fieldNumber(measure.field, columns)})`;
    case 'p95':
      return `quantileExact(0.95)(${fieldNumber(measure.field, columns)})`;
    case 'p99':
      return `quantileExact(0.99)(${fieldNumber(measure.field, columns)})`;
  }
}

/**
 * Plans a panel query onto the coarsest source that gives exactly the raw table's answer: the
 * hourly rollup, the per-minute rollup, or `events`. Refuses (throws the zod error) a query that
 * does not pass panelQuerySchema.
 *
 * A point is the measure over events with timestamp in [max(t, from), min(t + interval, to)),
 * t = toStartOfInterval(timestamp, interval) in UTC. Series are the top `seriesLimit` groups by
 * number of events in the range (ties by key), each at most range / interval points.
 */
export function planPanelQuery(input: PanelQueryInput | PanelQuery, options: PlanOptions): PanelPlan {
  const query = (
    options.maxPoints !== undefined ? panelQuerySchemaWithPoints(options.maxPoints) : panelQuerySchema
  ).parse(input);
  const interval = resolvePanelInterval(query);
  let columns: ReadonlySet<string> | undefined;
  if (query.source.kind === 'processor') {
    const table = options.table;
    if (!table || table.processor !== query.source.processor) {
      throw new Error(`planPanelQuery: the table of processor ${query.source.processor} was not given`);
    }
    const problem = processorFieldProblem(query, table);
    if (problem) throw new TributaryError('bad_request', problem);
    columns = new Set(table.columns.map((c) => c.name));
  }
  const route = chooseRoute(query, interval, options.forceRaw ?? false);
  if (route.kind === 'split') return planSplit(query, interval, route, options);
  const { rollup, reason } = route;
  const params = new Params();

  const where: string[] = [];
  if (rollup) {
    // Aligned (checked above), so whole buckets cover the range exactly.
    where.push(`bucket >= toDateTime(${params.bind(query.range.from / 1000, 'UInt32')}, 'UTC')`);
    where.push(`bucket < toDateTime(${params.bind(query.range.to / 1000, 'UInt32')}, 'UTC')`);
  } else {
    where.push(`timestamp >= fromUnixTimestamp64Milli(${params.bind(query.range.from, 'Int64')}, 'UTC')`);
    where.push(`timestamp < fromUnixTimestamp64Milli(${params.bind(query.range.to, 'Int64')}, 'UTC')`);
  }
  if (query.source.kind === 'events' && query.source.eventTypes.length > 0) {
    where.push(`event_type IN ${params.bind(query.source.eventTypes, 'Array(String)')}`);
  }
  for (const filter of query.filters) where.push(filterSql(filter, params, columns));

  // A processor table is a ReplacingMergeTree: FINAL counts a redelivered row once before merges.
  const table = columns
    ? `{db:Identifier}.${params.bind(options.table!.name, 'Identifier')} FINAL`
    : `{db:Identifier}.${rollup ? rollup.table : 'events'}`;
  const time = rollup ? 'bucket' : 'timestamp';
  const whereSql = where.map((w) => `(${w})`).join('\n  AND ');
  const keys = query.groupBy.map((f) => fieldKey(f, columns));
  const keyColumns = keys.map((k, i) => `${k} AS g${i}`);
  const measure = rollup
    ? query.measure.fn === 'count'
      ? 'countMerge(events)'
      : 'uniqExactMerge(users)'
    : rawMeasure(query.measure, columns);
  const eventsInGroup = rollup ? 'countMerge(events)' : 'count()';

  const seriesLimit = keys.length > 0 ? query.seriesLimit : 1;
  const pointsPerSeries = Math.ceil((query.range.to - query.range.from) / 1000 / interval) + 1;
  const maxRows = seriesLimit * pointsPerSeries;

  let topGroups = '';
  if (keys.length > 0) {
    const groupNames = keys.map((_, i) => `g${i}`).join(', ');
    topGroups = `\n  AND (${keys.join(', ')}) IN (
    SELECT ${keyColumns.join(', ')}
    FROM ${table}
    WHERE ${whereSql}
    GROUP BY ${groupNames}
    ORDER BY ${eventsInGroup} DESC, ${groupNames}
    LIMIT ${params.bind(seriesLimit, 'UInt32')}
  )`;
  }
  const intervalParam = params.bind(interval, 'UInt32');
  const selectKeys = keyColumns.map((c) => `${c}, `).join('');
  const groupKeys = keys.map((_, i) => `g${i}, `).join('');
  // Raw events grouped only by event_type / source (a small, known set of groups): one scan of
  // the range, the top groups picked from the grouped rows, instead of a scan to rank the groups
  // and another for their series. A data.* group-by keeps the two scans: its groups are unbounded,
  // and only the top ones may be held per point.
  if (!rollup && !columns && keys.length > 0 && query.groupBy.every((f) => rollupColumns.has(f))) {
    const names = keys.map((_, i) => `g${i}`).join(', ');
    const onePass = `SELECT ${groupKeys}t, v FROM (
  SELECT ${groupKeys}t, v, dense_rank() OVER (ORDER BY n DESC, ${names}) AS r FROM (
    SELECT ${selectKeys}toUInt32(toUnixTimestamp(toStartOfInterval(timestamp, toIntervalSecond(${intervalParam}), 'UTC'))) AS t,
           ${measure} AS v, sum(count()) OVER (PARTITION BY ${names}) AS n
    FROM ${table}
    WHERE ${whereSql}
    GROUP BY ${groupKeys}t
  )
)
WHERE r <= ${params.bind(seriesLimit, 'UInt32')}
ORDER BY ${groupKeys}t
LIMIT ${params.bind(maxRows, 'UInt32')}`;
    return {
      sql: onePass,
      params: { db: options.database, ...params.values },
      source: 'raw',
      reason,
      query,
      interval,
      maxRows,
      // Every group's points pass through the inner query (ClickHouse checks subqueries too).
      resultRowsCap: Math.max(3 * maxRows, ONE_PASS_MIN_RESULT_ROWS),
    };
  }
  const sql = `SELECT ${selectKeys}toUInt32(toUnixTimestamp(toStartOfInterval(${time}, toIntervalSecond(${intervalParam}), 'UTC'))) AS t, ${measure} AS v
FROM ${table}
WHERE ${whereSql}${topGroups}
GROUP BY ${groupKeys}t
ORDER BY ${groupKeys}t
LIMIT ${params.bind(maxRows, 'UInt32')}`;

  return {
    sql,
    params: { db: options.database, ...params.values },
    source: rollup ? rollup.source : 'raw',
    reason,
    query,
    interval,
    maxRows,
    // The LIMIT is the answer's bound; max_result_rows is a safety net that ClickHouse also
    // applies to partial blocks (seen in CI: 64 rows counted for a 61-row stat), so it gets room.
    resultRowsCap: Math.max(3 * maxRows, SPLIT_MIN_RESULT_ROWS),
  };
}

/**
 * The split route: the measure's state per (group, point) from the rollup's whole minutes and
 * from the raw events at the range's partial ends, merged. States, not numbers: two parts of a
 * point hold the same user, and uniqExactMerge counts them once where adding counts would not.
 */
function planSplit(
  query: PanelQuery,
  interval: PanelInterval,
  route: Extract<Route, { kind: 'split' }>,
  options: PlanOptions,
): PanelPlan {
  const params = new Params();
  const { from, to } = query.range;
  const shared: string[] = [];
  if (query.source.kind === 'events' && query.source.eventTypes.length > 0) {
    shared.push(`event_type IN ${params.bind(query.source.eventTypes, 'Array(String)')}`);
  }
  // Rollup fields (event_type, source) are the same columns in both tables.
  for (const filter of query.filters) shared.push(filterSql(filter, params));
  const sec = (ms: number) => params.bind(ms / 1000, 'UInt32');
  const milli = (ms: number) => params.bind(ms, 'Int64');
  const coreWhere = [
    `bucket >= toDateTime(${sec(route.core.from)}, 'UTC')`,
    `bucket < toDateTime(${sec(route.core.to)}, 'UTC')`,
    ...shared,
  ];
  const edgeWhere = [
    `(timestamp >= fromUnixTimestamp64Milli(${milli(from)}, 'UTC') AND timestamp < fromUnixTimestamp64Milli(${milli(route.core.from)}, 'UTC'))
      OR (timestamp >= fromUnixTimestamp64Milli(${milli(route.core.to)}, 'UTC') AND timestamp < fromUnixTimestamp64Milli(${milli(to)}, 'UTC'))`,
    ...shared,
  ];
  const and = (w: string[]) => w.map((x) => `(${x})`).join(' AND ');
  const rollupTable = `{db:Identifier}.${route.rollup.table}`;
  const rawTable = '{db:Identifier}.events';
  const keys = query.groupBy.map((f) => fieldKey(f));
  const keyColumns = keys.map((k, i) => `${k} AS g${i}`);
  const groupNames = keys.map((_, i) => `g${i}`);
  const selectKeys = keyColumns.map((c) => `${c}, `).join('');
  const groupKeys = groupNames.map((g) => `${g}, `).join('');
  const intervalParam = params.bind(interval, 'UInt32');
  const point = (time: string) =>
    `toUInt32(toUnixTimestamp(toStartOfInterval(${time}, toIntervalSecond(${intervalParam}), 'UTC'))) AS t`;
  const [coreState, rawState, merge] =
    query.measure.fn === 'count'
      ? ['countMergeState(events)', 'countState()', 'countMerge']
      : ['uniqExactMergeState(users)', 'uniqExactState(user_id)', 'uniqExactMerge'];

  const seriesLimit = keys.length > 0 ? query.seriesLimit : 1;
  const pointsPerSeries = Math.ceil((to - from) / 1000 / interval) + 1;
  const maxRows = seriesLimit * pointsPerSeries;

  let topGroups = '';
  if (keys.length > 0) {
    const names = groupNames.join(', ');
    topGroups = `\nWHERE (${names}) IN (
  SELECT ${names} FROM (
    SELECT ${keyColumns.join(', ')}, countMerge(events) AS n FROM ${rollupTable} WHERE ${and(coreWhere)} GROUP BY ${names}
    UNION ALL
    SELECT ${keyColumns.join(', ')}, count() AS n FROM ${rawTable} WHERE ${and(edgeWhere)} GROUP BY ${names}
  )
  GROUP BY ${names}
  ORDER BY sum(n) DESC, ${names}
  LIMIT ${params.bind(seriesLimit, 'UInt32')}
)`;
  }
  const sql = `SELECT ${groupKeys}t, ${merge}(s) AS v
FROM (
  SELECT ${selectKeys}${point('bucket')}, ${coreState} AS s FROM ${rollupTable} WHERE ${and(coreWhere)} GROUP BY ${groupKeys}t
  UNION ALL
  SELECT ${selectKeys}${point('timestamp')}, ${rawState} AS s FROM ${rawTable} WHERE ${and(edgeWhere)} GROUP BY ${groupKeys}t
)${topGroups}
GROUP BY ${groupKeys}t
ORDER BY ${groupKeys}t
LIMIT ${params.bind(maxRows, 'UInt32')}`;

  return {
    sql,
    params: { db: options.database, ...params.values },
    source: 'rollup_1m+raw',
    reason: route.reason,
    query,
    interval,
    maxRows,
    // Both parts' rows per point, and for the ranking every group of event_type × source (a
    // known, small set, or the planner would not use the rollups).
    resultRowsCap: Math.max(3 * maxRows, SPLIT_MIN_RESULT_ROWS),
  };
}
