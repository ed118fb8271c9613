import type { QueryTarget } from '@tributary/clickhouse';
import {
  PANEL_MAX_POINTS,
  type AlertRule,
  type Labels,
  type PanelQueryInput,
  type PanelReducer,
} from '@tributary/contracts';
import type { AnomalyBaseline } from './condition.ts';
import { labelsKey } from './labels.ts';
import { readAnomalyBaselines, readSignalOutcomes, type QueryLimits } from './signals.ts';
import type { RuleOutcome } from './state-machine.ts';

/**
 * Runs a panel query: the jobs service passes @tributary/analytics's runPanelQuery bound to its
 * ClickHouse, so builder-measure rules are planned exactly as dashboard panels are.
 */
export type PanelRunner = ((query: PanelQueryInput) => Promise<{
  series: Array<{ key: string[]; points: Array<{ t: number; v: number | null }> }>;
}>) & {
  /** Most buckets one query may hold (default PANEL_MAX_POINTS, a chart's bound). */
  maxPoints?: number;
};

export interface EvaluationDeps {
  target: QueryTarget;
  runPanel?: PanelRunner;
  limits?: QueryLimits;
}

/** Measures whose empty bucket is 0 (the panel runner fills them so): an absent group is 0 too. */
const COUNTED = new Set(['count', 'unique_users', 'uniq']);

/** A panel field as a label name: `data.plan` → `data_plan`. */
export function fieldLabel(field: string): string {
  return field.replace(/\./g, '_');
}

/** One value from the buckets of [end − window, end) (empty buckets that hold null are skipped). */
export function reduce(values: readonly number[], how: PanelReducer): number | null {
  if (values.length === 0) return null;
  switch (how) {
    case 'last':
      return values[values.length - 1]!;
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'avg':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
  }
}

/**
 * What each evaluation at first + k·interval (k < count) sees. Live evaluation asks for one
 * time, a backtest for many: both go through here, so they read the same numbers.
 */
export async function readRuleOutcomes(
  rule: AlertRule,
  deps: EvaluationDeps,
  first: number,
  count: number,
): Promise<Array<{ t: number; outcome: RuleOutcome }>> {
  const stepMs = rule.intervalSeconds * 1000;
  const windowMs = rule.windowSeconds * 1000;
  if (rule.query.kind === 'signal') {
    const signal = rule.query.signal;
    const series = await readSignalOutcomes(
      deps.target,
      signal,
      { first, stepMs, count, windowMs },
      deps.limits,
    );
    const condition = rule.condition;
    if (condition.kind !== 'anomaly') return series;
    // One baseline query per hour of the week the evaluations fall in (one for live evaluation).
    const baselines = new Map<number, Map<string, AnomalyBaseline>>();
    for (const { t } of series) {
      const hour = Math.floor(t / 3_600_000);
      if (!baselines.has(hour))
        baselines.set(
          hour,
          await readAnomalyBaselines(deps.target, signal, t, { stepMs, windowMs, ...deps.limits }),
        );
    }
    return series.map(({ t, outcome }) => {
      if (outcome.kind !== 'values') return { t, outcome };
      const b = baselines.get(Math.floor(t / 3_600_000))!;
      return {
        t,
        outcome: {
          ...outcome,
          values: outcome.values.map((v) => ({ ...v, baseline: b.get(labelsKey(v.labels)) ?? null })),
        },
      };
    });
  }
  return panelOutcomes(rule, rule.query, deps, first, count);
}

async function panelOutcomes(
  rule: AlertRule,
  query: Extract<AlertRule['query'], { kind: 'panel' }>,
  deps: EvaluationDeps,
  first: number,
  count: number,
): Promise<Array<{ t: number; outcome: RuleOutcome }>> {
  if (!deps.runPanel) throw new Error('a panel rule needs a panel query runner (EvaluationDeps.runPanel)');
  const q = query.query;
  // The contract refuses 'auto' for alert rules; the check keeps the arithmetic honest.
  if (q.interval === 'auto') throw new Error("an alert's panel query needs a fixed interval");
  const bucket = q.interval * 1000;
  const windowMs = rule.windowSeconds * 1000;
  const stepMs = rule.intervalSeconds * 1000;
  // Each evaluation reads the whole buckets before it: a bucket still filling would read low.
  const ends = Array.from({ length: count }, (_, k) => Math.floor((first + k * stepMs) / bucket) * bucket);
  const from = ends[0]! - windowMs;
  const to = ends[ends.length - 1]!;
  const filters = q.filters.flatMap((f) => ('variable' in f ? [] : [f]));
  const points = new Map<string, { labels: Labels; byT: Map<number, number> }>();
  // NOTE: each query over raw events scans the range's parts whatever its length (events are
  // sorted by type, source and id, not time), so a 7-day backtest read in 1,500-bucket chunks
  // scanned them 7 times (40M rows read for 10M events). The ClickHouse runner takes a whole
  // backtest in one query (docs/decisions/alert-backtest-speed.md); other runners keep the chunks.
  const chunk = (deps.runPanel.maxPoints ?? PANEL_MAX_POINTS) * bucket;
  for (let a = from; a < to; a += chunk) {
    const result = await deps.runPanel({
      source: q.source,
      measure: q.measure,
      groupBy: q.groupBy,
      filters,
      interval: q.interval,
      seriesLimit: q.seriesLimit,
      range: { from: a, to: Math.min(to, a + chunk) },
    });
    for (const s of result.series) {
      const labels: Labels = {};
      q.groupBy.forEach((field, i) => (labels[fieldLabel(field)] = s.key[i] ?? ''));
      const id = labelsKey(labels);
      let entry = points.get(id);
      if (!entry) points.set(id, (entry = { labels, byT: new Map() }));
      for (const p of s.points) if (p.v !== null && Number.isFinite(p.v)) entry.byT.set(p.t, p.v);
    }
  }
  const absentIsZero = COUNTED.has(q.measure.fn);
  return ends.map((end, k) => {
    const values: Array<{ labels: Labels; value: number }> = [];
    for (const { labels, byT } of points.values()) {
      const inWindow: number[] = [];
      for (let b = end - windowMs; b < end; b += bucket) {
        const v = byT.get(b);
        if (v !== undefined) inWindow.push(v);
      }
      const value = reduce(inWindow, query.reduce);
      if (value !== null) values.push({ labels, value });
    }
    return { t: first + k * stepMs, outcome: { kind: 'values', values, absentIsZero } };
  });
}

/** One live evaluation at t: a failed query is the rule's error outcome, never a thrown error. */
export async function evaluateAt(rule: AlertRule, deps: EvaluationDeps, t: number): Promise<RuleOutcome> {
  try {
    const [point] = await readRuleOutcomes(rule, deps, t, 1);
    return point?.outcome ?? { kind: 'no_data' };
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}
