import type { AlertSignal } from '@tributary/contracts';

/**
 * SQL for the built-in signals over a grid of evaluation times t_k = first + k·step
 * (k < count), each reading the window [t_k − window, t_k). Every row is assigned to each
 * evaluation time whose window holds it (arrayJoin of its k range), so one query answers one
 * evaluation (live: count 1) or a whole backtest, with the same arithmetic in both.
 * Rows: k, g0, g1 (group values, '' when unused), v.
 */
export interface SignalSql {
  sql: string;
  params: Record<string, unknown>;
  /** Label names of g0 and g1, in that order (only as many as the signal groups by). */
  groupLabels: string[];
  /** Counts and rates: a group (or the whole rule) with no rows in a window is 0. */
  absentIsZero: boolean;
  /** Groups every evaluation reports, 0 when absent (the sources a rule lists). */
  fixedGroups: string[][];
}

export interface Grid {
  /** Epoch ms of the first evaluation time. */
  first: number;
  stepMs: number;
  count: number;
  windowMs: number;
  /**
   * Only these evaluation-time ranges [from, to) are wanted (the anomaly baseline's four hours):
   * rows outside their windows are not read at all.
   */
  segments?: Array<[number, number]>;
}

/** The evaluation indexes whose window holds a row at `col` (a DateTime64 column). */
function kOf(col: string): string {
  return kOfMs(`toUnixTimestamp64Milli(${col})`);
}

/** The same for a time given as epoch milliseconds (an Int64 expression). */
function kOfMs(ms: string): string {
  return `arrayJoin(range(
      toUInt32(greatest(0, toInt64(floor((${ms} - {first:Int64}) / {step:Int64})) + 1)),
      toUInt32(greatest(0, least({count:Int64} - 1, toInt64(floor((${ms} + {window:Int64} - {first:Int64}) / {step:Int64}))) + 1))))`;
}

/** The rows any evaluation of the grid reads (bound on the column, so the sorting key prunes). */
function rowsFor(grid: Grid, params: Record<string, unknown>, windowMs: number): (col: string) => string {
  const ranges: Array<[number, number]> = grid.segments
    ? grid.segments.map(([a, b]) => [a - windowMs, b])
    : [[grid.first - windowMs, grid.first + (grid.count - 1) * grid.stepMs]];
  ranges.forEach(([a, b], i) => {
    params[`from${i}`] = a;
    params[`to${i}`] = b;
  });
  return (col) =>
    '(' +
    ranges
      .map(
        (_, i) =>
          `(${col} >= fromUnixTimestamp64Milli({from${i}:Int64}, 'UTC') AND ${col} < fromUnixTimestamp64Milli({to${i}:Int64}, 'UTC'))`,
      )
      .join(' OR ') +
    ')';
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** 'source:<name>:<suffix>' → name (names may hold ':'; the suffix never does). */
const sourceOfStage = (suffix: string) => `substring(stage, 8, length(stage) - 7 - ${suffix.length + 1})`;

export function signalSql(signal: AlertSignal, grid: Grid): SignalSql {
  const params: Record<string, unknown> = {
    first: grid.first,
    step: grid.stepMs,
    count: grid.count,
    window: grid.windowMs,
  };
  const k = kOf;
  // A silence signal looks back its own minutes, whatever the rule's window.
  const windowMs = signal.kind === 'source_silence' ? signal.minutes * 60_000 : grid.windowMs;
  params.window = windowMs;
  const inGrid = rowsFor(grid, params, windowMs);
  switch (signal.kind) {
    case 'freshness': {
      const src = signal.bySource;
      params.q = signal.quantile;
      // Ingest's counters flush every few seconds, after the events they count: an accepted
      // flush up to this long after the newest stored event is the normal lag, not staleness.
      params.slack = 10_000;
      const acceptedStage = src
        ? `startsWith(stage, 'source:') AND endsWith(stage, ':accepted')`
        : `stage = 'accepted'`;
      // NOTE: events are first folded into pieces of gcd(interval, window) — every row of a piece
      // falls in the same evaluation windows — and the pieces' quantile states are merged per
      // window. Assigning each event to its windows instead multiplies the rows by window/interval
      // before grouping (50M for a 7-day backtest of 10M events at 60 s / 300 s) and was the
      // slowest backtest (docs/decisions/alert-backtest-speed.md). A state holds every value up to
      // 8,192, so windows with fewer events read exactly the same figure either way.
      params.piece = gcd(grid.stepMs, windowMs);
      const piece = `toInt64(floor((toUnixTimestamp64Milli(inserted_at) - {first:Int64}) / {piece:Int64}))`;
      return {
        sql: `WITH stored AS (
            SELECT ${kOfMs('{first:Int64} + p * {piece:Int64}')} AS k, g0,
                   quantileMerge({q:Float64})(s) / 1000 AS latency,
                   max(newest_in_piece) AS newest
            FROM (
              SELECT ${piece} AS p, ${src ? 'toString(source)' : "''"} AS g0,
                     quantileState({q:Float64})(dateDiff('millisecond', received_at, inserted_at)) AS s,
                     toUnixTimestamp64Milli(max(inserted_at)) AS newest_in_piece
              FROM {db:Identifier}.events
              WHERE ${inGrid('inserted_at')}
              GROUP BY p, g0)
            GROUP BY k, g0),
          accepted AS (
            SELECT ${k('ts')} AS k, ${src ? sourceOfStage('accepted') : "''"} AS g0,
                   toUnixTimestamp64Milli(max(ts)) AS last_accepted
            FROM {db:Identifier}.pipeline_metrics
            WHERE ${acceptedStage} AND count > 0 AND ${inGrid('ts')}
            GROUP BY k, g0)
          SELECT k, g0, '' AS g1,
                 greatest(coalesce(latency, 0),
                   if(last_accepted IS NOT NULL AND last_accepted > coalesce(newest, 0) + {slack:Int64},
                      ({first:Int64} + k * {step:Int64} - coalesce(newest, {first:Int64} + k * {step:Int64} - {window:Int64})) / 1000,
                      0)) AS v
          FROM stored FULL OUTER JOIN accepted USING (k, g0)`,
        params,
        groupLabels: src ? ['source'] : [],
        absentIsZero: true,
        fixedGroups: [],
      };
    }
    case 'consumer_lag': {
      params.groups = signal.groups;
      const filter = signal.groups.length > 0 ? 'AND group_id IN {groups:Array(String)}' : '';
      return {
        // The newest sample of each partition in the window that read a time (a sample whose
        // next message could not be read has none); the group's worst partition.
        sql: `SELECT k, group_id AS g0, '' AS g1, max(seconds) AS v FROM (
            SELECT ${k('ts')} AS k, group_id, topic, partition,
                   argMaxIf(assumeNotNull(lag_seconds), ts, isNotNull(lag_seconds)) AS seconds,
                   countIf(isNotNull(lag_seconds)) AS known
            FROM {db:Identifier}.consumer_lag
            WHERE ${inGrid('ts')} ${filter}
            GROUP BY k, group_id, topic, partition)
          WHERE known > 0
          GROUP BY k, g0`,
        params,
        groupLabels: ['group'],
        // A group with no samples is not "no lag": the sampler or the group is gone.
        absentIsZero: false,
        fixedGroups: [],
      };
    }
    case 'dead_letter_rate': {
      const cols = signal.groupBy;
      const g = (i: number) => (cols[i] ? `toString(${cols[i]})` : "''");
      params.stages = signal.stages;
      params.codes = signal.codes;
      const filters = [
        signal.stages.length > 0 ? 'stage IN {stages:Array(String)}' : null,
        signal.codes.length > 0 ? 'code IN {codes:Array(String)}' : null,
      ].filter(Boolean);
      return {
        sql: `WITH dl AS (
            SELECT ${k('failed_at')} AS k, ${g(0)} AS g0, ${g(1)} AS g1, uniqExact(id) AS n
            FROM {db:Identifier}.dead_letters
            WHERE ${inGrid('failed_at')} ${filters.map((f) => `AND ${f}`).join(' ')}
            GROUP BY k, g0, g1),
          rx AS (
            SELECT ${k('ts')} AS k, sum(count) AS received
            FROM {db:Identifier}.pipeline_metrics
            WHERE stage = 'received' AND ${inGrid('ts')}
            GROUP BY k)
          SELECT dl.k AS k, g0, g1, n / greatest(coalesce(rx.received, 0), n) AS v
          FROM dl LEFT JOIN rx ON dl.k = rx.k`,
        params,
        groupLabels: [...cols],
        absentIsZero: true,
        fixedGroups: [],
      };
    }
    case 'ingest_rejects':
    case 'source_silence': {
      const suffix = signal.kind === 'ingest_rejects' ? 'rejected' : 'received';
      const listed = signal.sources;
      params.stages = listed.map((s) => `source:${s}:${suffix}`);
      const where =
        listed.length > 0
          ? 'stage IN {stages:Array(String)}'
          : `startsWith(stage, 'source:') AND endsWith(stage, ':${suffix}')`;
      return {
        sql: `SELECT ${k('ts')} AS k, ${sourceOfStage(suffix)} AS g0, '' AS g1, sum(count) AS v
          FROM {db:Identifier}.pipeline_metrics
          WHERE ${where} AND ${inGrid('ts')}
          GROUP BY k, g0`,
        params,
        groupLabels: ['source'],
        absentIsZero: true,
        fixedGroups: listed.map((s) => [s]),
      };
    }
    case 'schema_violations': {
      params.types = signal.eventTypes;
      const filter = signal.eventTypes.length > 0 ? 'AND event_type IN {types:Array(String)}' : '';
      return {
        sql: `SELECT ${k('failed_at')} AS k, coalesce(event_type, '') AS g0, '' AS g1, uniqExact(id) AS v
          FROM {db:Identifier}.dead_letters
          WHERE code = 'schema_violation' AND ${inGrid('failed_at')} ${filter}
          GROUP BY k, g0`,
        params,
        groupLabels: ['event_type'],
        absentIsZero: true,
        fixedGroups: [],
      };
    }
    case 'processor_drop_rate': {
      params.stages = signal.processors.flatMap((p) => [`processor:${p}:in`, `processor:${p}:dropped`]);
      const where =
        signal.processors.length > 0
          ? 'stage IN {stages:Array(String)}'
          : `startsWith(stage, 'processor:') AND (endsWith(stage, ':in') OR endsWith(stage, ':dropped'))`;
      return {
        sql: `SELECT k, g0, '' AS g1, if(seen > 0, dropped / seen, 0) AS v FROM (
            SELECT ${k('ts')} AS k, splitByChar(':', stage)[2] AS g0,
                   sumIf(count, endsWith(stage, ':in')) AS seen,
                   sumIf(count, endsWith(stage, ':dropped')) AS dropped
            FROM {db:Identifier}.pipeline_metrics
            WHERE ${where} AND ${inGrid('ts')}
            GROUP BY k, g0)`,
        params,
        groupLabels: ['processor'],
        absentIsZero: true,
        fixedGroups: [],
      };
    }
  }
}
