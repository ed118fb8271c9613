import { anomalyBand, labelsKey, type RuleOutcome } from '@tributary/alerts';
import type { AlertRule, Labels } from '@tributary/contracts';

/** Most series a backtest answer carries, and most points per series (a chart is ~1,000 px wide). */
export const BACKTEST_MAX_SERIES = 20;
export const BACKTEST_MAX_POINTS = 2000;

export interface BacktestPoint {
  t: number;
  v: number;
  /** Anomaly rules: the band the value was judged against at t. */
  low?: number;
  high?: number;
}

export interface BacktestSeries {
  /** labelsKey of the group's labels. */
  key: string;
  labels: Labels;
  points: BacktestPoint[];
  /** How many evaluations had a value for this group (before thinning). */
  evaluated: number;
}

export interface EvaluatedSeries {
  series: BacktestSeries[];
  /** Groups seen in the range; more than series.length when some were left out. */
  groups: number;
  /** Evaluations that found no data at all. */
  noDataEvaluations: number;
}

/**
 * Thins a series to at most `max` points, keeping each stretch's lowest and highest point:
 * a spike that fired must still show on the chart, which an even stride could skip.
 */
export function thinPoints<P extends { t: number; v: number }>(points: readonly P[], max: number): P[] {
  if (points.length <= max) return [...points];
  const buckets = Math.max(1, Math.floor(max / 2));
  const size = Math.ceil(points.length / buckets);
  const out: P[] = [];
  for (let i = 0; i < points.length; i += size) {
    let lo = points[i]!;
    let hi = points[i]!;
    for (let j = i + 1; j < Math.min(points.length, i + size); j++) {
      const p = points[j]!;
      if (p.v < lo.v) lo = p;
      if (p.v > hi.v) hi = p;
    }
    if (lo === hi) out.push(lo);
    else out.push(...(lo.t < hi.t ? [lo, hi] : [hi, lo]));
  }
  return out;
}

/**
 * The values each evaluation saw, per group, bounded for the browser: the groups that fired
 * first (then those with the most values), at most BACKTEST_MAX_SERIES of them, each thinned.
 */
export function evaluatedSeries(
  rule: AlertRule,
  outcomes: ReadonlyArray<{ t: number; outcome: RuleOutcome }>,
  firedKeys: ReadonlySet<string>,
  limits: { maxSeries?: number; maxPoints?: number } = {},
): EvaluatedSeries {
  const byKey = new Map<string, { labels: Labels; points: BacktestPoint[] }>();
  let noData = 0;
  const condition = rule.condition;
  for (const { t, outcome } of outcomes) {
    if (outcome.kind !== 'values') {
      if (outcome.kind === 'no_data') noData++;
      continue;
    }
    if (outcome.values.length === 0) noData++;
    for (const { labels, value, baseline } of outcome.values) {
      const key = labelsKey(labels);
      let entry = byKey.get(key);
      if (!entry) byKey.set(key, (entry = { labels, points: [] }));
      const point: BacktestPoint = { t, v: value };
      if (condition.kind === 'anomaly' && baseline && baseline.samples >= condition.minSamples) {
        const band = anomalyBand(condition, baseline);
        point.low = band.low;
        point.high = band.high;
      }
      entry.points.push(point);
    }
  }
  const ranked = [...byKey.entries()].sort(
    ([ka, a], [kb, b]) =>
      Number(firedKeys.has(kb)) - Number(firedKeys.has(ka)) ||
      b.points.length - a.points.length ||
      (ka < kb ? -1 : 1),
  );
  const maxPoints = limits.maxPoints ?? BACKTEST_MAX_POINTS;
  return {
    series: ranked.slice(0, limits.maxSeries ?? BACKTEST_MAX_SERIES).map(([key, s]) => ({
      key,
      labels: s.labels,
      points: thinPoints(s.points, maxPoints),
      evaluated: s.points.length,
    })),
    groups: byKey.size,
    noDataEvaluations: noData,
  };
}
