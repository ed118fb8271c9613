import type { AlertRule, AlertState, Labels } from '@tributary/contracts';
import { readRuleOutcomes, type EvaluationDeps } from './evaluate.ts';
import { labelsKey } from './labels.ts';
import { ruleOffsetMs } from './live/due.ts';
import { RuleRunner } from './rule-runner.ts';
import type { NotificationRecord, SchedulerConfig, SilenceCheck } from './scheduler.ts';
import type { RuleOutcome, StateChange } from './state-machine.ts';

/** Longest range a backtest may cover. */
export const BACKTEST_MAX_MS = 30 * 86_400_000;

export interface Firing {
  labels: Labels;
  state: AlertState;
  from: number;
  /** null: still active at the end of the range. */
  to: number | null;
}

export interface RouteCount {
  routeId: string;
  receiver: string;
  sent: number;
  muted: number;
  silenced: number;
}

export interface BacktestResult {
  evaluations: number;
  changes: StateChange[];
  firings: Firing[];
  notifications: NotificationRecord[];
  routes: RouteCount[];
}

/** Replays recorded outcomes through the live runner: what the rule would have done. */
export function replayRule(
  rule: AlertRule,
  series: ReadonlyArray<{ t: number; outcome: RuleOutcome }>,
  notify: SchedulerConfig,
  silencedBy?: SilenceCheck,
): BacktestResult {
  const runner = new RuleRunner(rule, notify);
  const changes: StateChange[] = [];
  const notifications: NotificationRecord[] = [];
  for (const { t, outcome } of series) {
    const r = runner.evaluate(outcome, t, silencedBy);
    changes.push(...r.changes);
    notifications.push(...r.notifications);
  }
  return {
    evaluations: series.length,
    changes,
    firings: firingsOf(changes),
    notifications,
    routes: countRoutes(notifications),
  };
}

/** The intervals each instance spent firing, in no data or in error. */
export function firingsOf(changes: readonly StateChange[]): Firing[] {
  const active = new Set<AlertState>(['firing', 'no_data', 'error']);
  const open = new Map<string, Firing>();
  const out: Firing[] = [];
  for (const c of changes) {
    const key = labelsKey(c.labels);
    const current = open.get(key);
    if (current && active.has(c.from)) {
      current.to = c.at;
      open.delete(key);
    }
    if (active.has(c.to)) {
      const f: Firing = { labels: c.labels, state: c.to, from: c.at, to: null };
      out.push(f);
      open.set(key, f);
    }
  }
  return out;
}

function countRoutes(records: readonly NotificationRecord[]): RouteCount[] {
  const m = new Map<string, RouteCount>();
  for (const r of records) {
    const c = m.get(r.routeId) ?? {
      routeId: r.routeId,
      receiver: r.receiver,
      sent: 0,
      muted: 0,
      silenced: 0,
    };
    if (r.outcome === 'send') c.sent++;
    else if (r.outcome === 'muted') c.muted++;
    else c.silenced++;
    m.set(r.routeId, c);
  }
  return [...m.values()].sort((a, b) => (a.routeId < b.routeId ? -1 : 1));
}

/**
 * The times live evaluation evaluates the rule at inside [from, to): its slots, a fixed offset
 * from its name into each interval (live/due.ts). NOTE: a backtest on whole multiples of the
 * interval instead reads windows shifted by that offset (up to an interval) and dates every
 * change differently from what the evaluator stored: it would not show what live did.
 */
export function evaluationTimes(
  rule: Pick<AlertRule, 'name' | 'intervalSeconds'>,
  range: { from: number; to: number },
): { first: number; count: number } {
  const step = rule.intervalSeconds * 1000;
  const offset = ruleOffsetMs(rule.name, step);
  const first = Math.ceil((range.from - offset) / step) * step + offset;
  return { first, count: Math.max(0, Math.ceil((range.to - first) / step)) };
}

/**
 * Runs a rule over [from, to) of stored data: one query for the whole series at the rule's
 * slots (panel rules: one panel query per 1,500 buckets), then the live runner over it.
 */
export async function backtestRule(
  rule: AlertRule,
  deps: EvaluationDeps,
  range: { from: number; to: number },
  notify: SchedulerConfig,
): Promise<BacktestResult> {
  if (!(range.from < range.to)) throw new Error('a backtest range starts before it ends');
  if (range.to - range.from > BACKTEST_MAX_MS) throw new Error('a backtest covers at most 30 days');
  const { first, count } = evaluationTimes(rule, range);
  const series = count > 0 ? await readRuleOutcomes(rule, deps, first, count) : [];
  return replayRule(rule, series, notify);
}
