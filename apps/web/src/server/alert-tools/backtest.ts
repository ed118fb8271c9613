import {
  BACKTEST_MAX_MS,
  clickHousePanelRunner,
  evaluationTimes,
  firingsOf,
  labelsKey,
  listAlertMuteTimings,
  policyNodes,
  readRuleOutcomes,
  replayRule,
  storedPolicy,
  type Firing,
  type QueryLimits,
  type RouteCount,
} from '@tributary/alerts';
import type { ProcessorTable } from '@tributary/analytics';
import type { QueryTarget } from '@tributary/clickhouse';
import { alertRuleSchema, rootPolicySchema, TributaryError, type RootPolicy } from '@tributary/contracts';
import type { Db } from '@tributary/db';
import { evaluatedSeries, type BacktestSeries } from './series.ts';

export const BACKTEST_DEFAULT_DAYS = 7;
export const BACKTEST_MAX_DAYS = BACKTEST_MAX_MS / 86_400_000;

/**
 * Each ClickHouse query of a backtest: the console client gives up after 10 s, so the server
 * stops at the same time instead of running on for nobody.
 */
export const BACKTEST_QUERY_LIMITS = { maxExecutionSeconds: 10, maxRowsToRead: 200_000_000 };
/**
 * The whole backtest, however many queries it takes (an anomaly rule asks for a baseline per
 * hour of the range): past this it is cancelled, like a request the browser gave up on.
 */
export const BACKTEST_DEADLINE_MS = 60_000;
/** A flapping rule may fire thousands of times: the answer lists the first ones and the total. */
export const BACKTEST_MAX_FIRINGS = 1000;

export interface BacktestProblem {
  path: string;
  message: string;
}

export interface RouteSummary extends RouteCount {
  /** How a person finds the route in the tree ("the root route", "route routes[0] (team=\"db\")"). */
  label: string;
}

export interface BacktestAnswer {
  ok: true;
  range: { from: number; to: number };
  intervalSeconds: number;
  evaluations: number;
  series: BacktestSeries[];
  groups: number;
  noDataEvaluations: number;
  /** State changes the rule would have made. */
  changes: number;
  /** The first BACKTEST_MAX_FIRINGS intervals the rule was active (firing, no data, error). */
  firings: Firing[];
  firingsTotal: number;
  /** Firings that reached `firing` (not no data or error). */
  fired: number;
  routes: RouteSummary[];
  /** null: no routing saved yet, the counts use the default timings and an unnamed receiver. */
  routingRevision: number | null;
}

export type BacktestResult = BacktestAnswer | { ok: false; problems: BacktestProblem[] };

export interface BacktestDeps {
  db: Db;
  clickhouse: QueryTarget;
  /** A processor source's table (panel rules over a processor). */
  processorTable?: (processor: string) => Promise<ProcessorTable>;
  signal?: AbortSignal | undefined;
  now?: number;
  /** Overall limit (default BACKTEST_DEADLINE_MS). */
  deadlineMs?: number;
}

/** Stands in for the tree until one is saved, so a backtest still shows the notifications. */
const UNROUTED: RootPolicy = rootPolicySchema.parse({ receiver: 'unrouted' });

function routeLabel(policy: RootPolicy, routeId: string): string {
  // Route ids are `root`, `root.0.2`; refusal paths are `policy`, `policy.routes.0.routes.2`.
  const path = routeId.replace(/^root/, 'policy').replace(/\.(\d+)/g, '.routes.$1');
  return policyNodes(policy).find((n) => n.path === path)?.label ?? routeId;
}

/**
 * What an unsaved rule would have done over the last `days` days of stored data: the values
 * each evaluation saw, when it would have fired, and how many notifications each route would
 * have sent with the stored routing and mute timings. Problems with the rule come back as data.
 */
export async function backtestDraft(
  deps: BacktestDeps,
  input: unknown,
  days: number,
): Promise<BacktestResult> {
  const parsed = alertRuleSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'rule', message: i.message })),
    };
  }
  const rule = parsed.data;
  const now = deps.now ?? Date.now();
  const range = { from: now - Math.min(days * 86_400_000, BACKTEST_MAX_MS), to: now };
  const deadlineMs = deps.deadlineMs ?? BACKTEST_DEADLINE_MS;
  const deadline = AbortSignal.timeout(deadlineMs);
  const signal = deps.signal ? AbortSignal.any([deps.signal, deadline]) : deadline;
  const limits: QueryLimits = { ...BACKTEST_QUERY_LIMITS, signal };
  const [stored, timings] = await Promise.all([storedPolicy(deps.db), listAlertMuteTimings(deps.db)]);
  const policy = stored?.policy ?? UNROUTED;

  // The evaluation times live evaluation uses: the rule's slots.
  const { first, count } = evaluationTimes(rule, range);
  let outcomes: Awaited<ReturnType<typeof readRuleOutcomes>> = [];
  try {
    if (count > 0)
      outcomes = await readRuleOutcomes(
        rule,
        {
          target: deps.clickhouse,
          limits,
          runPanel: clickHousePanelRunner(deps.clickhouse, {
            ...limits,
            ...(deps.processorTable ? { processorTable: deps.processorTable } : {}),
          }),
        },
        first,
        count,
      );
  } catch (err) {
    // Our own deadline, not the caller leaving: say what to change instead of "aborted".
    if (deadline.aborted && !deps.signal?.aborted)
      throw new TributaryError(
        'query_too_large',
        `the backtest ran past ${deadlineMs / 1000} s: try fewer days or a longer evaluation interval`,
      );
    throw err;
  }
  const replay = replayRule(rule, outcomes, { policy, muteTimings: timings.map((m) => m.muteTiming) });
  const firings = firingsOf(replay.changes);
  const firedKeys = new Set(firings.filter((f) => f.state === 'firing').map((f) => labelsKey(f.labels)));
  return {
    ok: true,
    range,
    intervalSeconds: rule.intervalSeconds,
    evaluations: replay.evaluations,
    ...evaluatedSeries(rule, outcomes, firedKeys),
    changes: replay.changes.length,
    firings: firings.slice(0, BACKTEST_MAX_FIRINGS),
    firingsTotal: firings.length,
    fired: firings.filter((f) => f.state === 'firing').length,
    routes: replay.routes.map((r) => ({ ...r, label: routeLabel(policy, r.routeId) })),
    routingRevision: stored?.revision ?? null,
  };
}
