import { selectRows, type QueryTarget } from '@tributary/clickhouse';
import type { AlertSignal, Labels } from '@tributary/contracts';
import { z } from 'zod';
import type { AnomalyBaseline } from './condition.ts';
import { labelsKey } from './labels.ts';
import { signalSql, type Grid, type SignalSql } from './signal-sql.ts';
import type { RuleOutcome } from './state-machine.ts';

export interface QueryLimits {
  maxExecutionSeconds?: number;
  maxRowsToRead?: number;
  signal?: AbortSignal;
}

const row = z.object({
  k: z.coerce.number(),
  g0: z.string(),
  g1: z.string(),
  v: z.union([z.null(), z.coerce.number()]),
});

function settings(limits: QueryLimits, resultRows: number): Record<string, string | number> {
  return {
    max_execution_time: limits.maxExecutionSeconds ?? 10,
    max_rows_to_read: String(limits.maxRowsToRead ?? 200_000_000),
    max_result_rows: String(resultRows),
    result_overflow_mode: 'throw',
    max_memory_usage: String(2_000_000_000),
    // A missing side of a join is NULL, not 0: "no insert yet" must differ from "inserted at 0".
    join_use_nulls: 1,
    cancel_http_readonly_queries_on_client_close: 1,
  };
}

function labelsOf(spec: SignalSql, g0: string, g1: string): Labels {
  const labels: Labels = {};
  const values = [g0, g1];
  spec.groupLabels.forEach((name, i) => (labels[name] = values[i] ?? ''));
  return labels;
}

/** Most groups one signal reports per evaluation (a bound on result rows). */
export const SIGNAL_MAX_GROUPS = 1000;

/**
 * The signal at every time of the grid, as the outcome each evaluation would have seen:
 * live evaluation is the grid of one time; a backtest is many.
 */
export async function readSignalOutcomes(
  target: QueryTarget,
  signal: AlertSignal,
  grid: Grid,
  limits: QueryLimits = {},
): Promise<Array<{ t: number; outcome: RuleOutcome }>> {
  const spec = signalSql(signal, grid);
  const rows = await selectRows(target, spec.sql, spec.params, row, {
    settings: settings(limits, grid.count * SIGNAL_MAX_GROUPS),
    ...(limits.signal ? { signal: limits.signal } : {}),
  });
  const byK = new Map<number, Map<string, { labels: Labels; value: number }>>();
  for (const r of rows) {
    if (r.v === null || !Number.isFinite(r.v)) continue;
    const labels = labelsOf(spec, r.g0, r.g1);
    let m = byK.get(r.k);
    if (!m) byK.set(r.k, (m = new Map()));
    m.set(labelsKey(labels), { labels, value: r.v });
  }
  const out: Array<{ t: number; outcome: RuleOutcome }> = [];
  for (let k = 0; k < grid.count; k++) {
    const m = byK.get(k) ?? new Map<string, { labels: Labels; value: number }>();
    for (const fixed of spec.fixedGroups) {
      const labels = labelsOf(spec, fixed[0] ?? '', fixed[1] ?? '');
      const key = labelsKey(labels);
      if (!m.has(key)) m.set(key, { labels, value: 0 });
    }
    const values = [...m.values()].sort((a, b) => (labelsKey(a.labels) < labelsKey(b.labels) ? -1 : 1));
    out.push({
      t: grid.first + k * grid.stepMs,
      outcome: { kind: 'values', values, absentIsZero: spec.absentIsZero },
    });
  }
  return out;
}

const HOUR = 3_600_000;
export const WEEK = 7 * 86_400_000;
export const ANOMALY_WEEKS = 4;

const bandRow = z.object({
  g0: z.string(),
  g1: z.string(),
  median: z.coerce.number(),
  mad: z.coerce.number(),
  samples: z.coerce.number(),
});

/**
 * Per group, the median and MAD of the signal (at the rule's interval and window) over the same
 * hour of the week as `at` in each of the last 4 weeks, in one query. Counted signals count an
 * evaluation time without rows as a 0 sample, as live evaluation would have read it.
 */
export async function readAnomalyBaselines(
  target: QueryTarget,
  signal: AlertSignal,
  at: number,
  opts: { stepMs: number; windowMs: number } & QueryLimits,
): Promise<Map<string, AnomalyBaseline>> {
  const first = Math.floor(at / HOUR) * HOUR - ANOMALY_WEEKS * WEEK;
  const span = (ANOMALY_WEEKS - 1) * WEEK + HOUR;
  const count = Math.ceil(span / opts.stepMs);
  const segments: Array<[number, number]> = [];
  for (let w = 0; w < ANOMALY_WEEKS; w++) segments.push([first + w * WEEK, first + w * WEEK + HOUR]);
  const spec = signalSql(signal, { first, stepMs: opts.stepMs, count, windowMs: opts.windowMs, segments });
  let expected = 0;
  for (let k = 0; k < count; k++) if ((k * opts.stepMs) % WEEK < HOUR) expected++;
  // NOTE: rows between the four hours are never read (the segments bound the scan); the k of a
  // row only says which evaluation times it counts for, and the outer filter keeps those inside.
  const rows = await selectRows(
    target,
    // quantileExactInclusive: an even number of samples has the mean of the middle two as median.
    `SELECT g0, g1,
            arrayReduce('quantileExactInclusive(0.5)', arr) AS median,
            arrayReduce('quantileExactInclusive(0.5)', arrayMap(x -> abs(x - median), arr)) AS mad,
            length(arr) AS samples
     FROM (
       SELECT g0, g1,
              arrayConcat(groupArray(toFloat64(coalesce(v, 0))),
                          arrayWithConstant(toUInt32(greatest(0, {expected:Int64} - toInt64(count()))), toFloat64(0))) AS arr
       FROM (${spec.sql})
       WHERE (k * {step:Int64}) % {week:Int64} < {hour:Int64}
       GROUP BY g0, g1)`,
    { ...spec.params, expected: spec.absentIsZero ? expected : 0, week: WEEK, hour: HOUR },
    bandRow,
    {
      settings: { ...settings(opts, SIGNAL_MAX_GROUPS), max_execution_time: opts.maxExecutionSeconds ?? 20 },
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
  );
  const out = new Map<string, AnomalyBaseline>();
  for (const r of rows)
    out.set(labelsKey(labelsOf(spec, r.g0, r.g1)), { median: r.median, mad: r.mad, samples: r.samples });
  return out;
}
