import type { QueryTarget } from '@tributary/clickhouse';
import type { Db } from '@tributary/db';
import { evaluateAt, type PanelRunner } from '../evaluate.ts';
import { alertLabels } from '../rule-runner.ts';
import { NotificationScheduler, type NotificationRecord, type SchedulerState } from '../scheduler.ts';
import { resolvedSilences, silencedBy, silenceMatches } from '../silences.ts';
import type { InstanceState, RuleOutcome } from '../state-machine.ts';
import { TX_OPTIONS } from '../store/errors.ts';
import { loadAllAlertInstances, writeAlertEvaluation } from '../store/instances.ts';
import { expireAlertSilence } from '../store/silences.ts';
import { createAlertConfigLoader, type AlertConfigSnapshot } from './config.ts';
import { nextSlot } from './due.ts';
import { stepAlerts, type EvaluatedRule } from './engine.ts';
import { loadNotifierState, writeNotificationRecords, writeNotifierState } from './notifier-store.ts';

export interface EvaluationReport {
  rule: string;
  /** The slot evaluated (epoch ms) and when its query started and how long it took. */
  slot: number;
  startedAt: number;
  ms: number;
  outcome: RuleOutcome['kind'];
}

export interface TickReport {
  evaluated: number;
  changes: number;
  records: NotificationRecord[];
}

export interface AlertEvaluatorOptions {
  db: Db;
  target: QueryTarget;
  /** Builds the panel runner for one tick (bound to that tick's abort signal). */
  panelRunner?: (signal: AbortSignal) => PanelRunner;
  /** Per evaluation query. */
  limits?: { maxExecutionSeconds?: number; maxRowsToRead?: number };
  /** Rule queries in flight at once. */
  concurrency?: number;
  now?: () => number;
  onEvaluated?: (report: EvaluationReport) => void;
}

/** Who ends "until resolved" silences whose alerts all resolved (the audit row names it). */
export const RESOLVED_SILENCE_ACTOR = 'alerts (its alerts resolved)';

/**
 * The jobs service's alert evaluator, run by the leader only. Each tick: read the configuration,
 * query the rules whose slot came (a bounded number at once), then in one transaction store the
 * instances, their state changes, the notifier's grouping state and the notifications it decided
 * on (queued for delivery). Memory holds a cache of what is stored; any failure drops it and the
 * next tick reloads from Postgres, so memory is never ahead of the database.
 */
export function createAlertEvaluator(opts: AlertEvaluatorOptions) {
  const clock = opts.now ?? Date.now;
  const loadConfig = createAlertConfigLoader(opts.db);
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  let cache: {
    instances: Map<string, Map<string, InstanceState>>;
    scheduler: SchedulerState;
    due: Map<string, { intervalMs: number; at: number }>;
    /** "Until resolved" silences that matched an active alert (they end when none does). */
    matched: Set<string>;
  } | null = null;

  async function load(config: AlertConfigSnapshot) {
    const [instances, scheduler] = await Promise.all([
      loadAllAlertInstances(opts.db),
      loadNotifierState(opts.db),
    ]);
    const matched = new Set<string>();
    const active = activeLabels(config, instances);
    for (const s of config.silences) if (active.some((l) => silenceMatches(s, l))) matched.add(s.id);
    return { instances, scheduler, due: new Map(), matched };
  }

  function dueAt(
    c: NonNullable<typeof cache>,
    id: string,
    name: string,
    intervalMs: number,
    now: number,
  ): number {
    const known = c.due.get(id);
    if (known && known.intervalMs === intervalMs) return known.at;
    let last: number | null = null;
    for (const s of c.instances.get(id)?.values() ?? []) last = Math.max(last ?? 0, s.evaluatedAt);
    const at = nextSlot(name, intervalMs, last, now);
    c.due.set(id, { intervalMs, at });
    return at;
  }

  async function evaluateDue(
    config: AlertConfigSnapshot,
    c: NonNullable<typeof cache>,
    now: number,
    signal: AbortSignal,
  ): Promise<EvaluatedRule[]> {
    const due = config.rules.filter(
      ({ id, rule }) => dueAt(c, id, rule.name, rule.intervalSeconds * 1000, now) <= now,
    );
    const runPanel = opts.panelRunner?.(signal);
    const out: EvaluatedRule[] = [];
    let next = 0;
    const worker = async () => {
      while (next < due.length && !signal.aborted) {
        const { id, rule } = due[next++]!;
        const slot = c.due.get(id)!.at;
        const startedAt = clock();
        const outcome = await evaluateAt(
          rule,
          {
            target: opts.target,
            ...(runPanel ? { runPanel } : {}),
            limits: { ...opts.limits, signal },
          },
          slot,
        );
        opts.onEvaluated?.({
          rule: rule.name,
          slot,
          startedAt,
          ms: clock() - startedAt,
          outcome: outcome.kind,
        });
        out.push({ id, rule, t: slot, outcome });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));
    return out;
  }

  return {
    /** One tick; `signal` aborts when the lease is lost or the service stops. */
    async tick(signal: AbortSignal): Promise<TickReport> {
      try {
        return await tickOnce(signal);
      } catch (err) {
        cache = null;
        throw err;
      }
    },
  };

  async function tickOnce(signal: AbortSignal): Promise<TickReport> {
    const now = clock();
    const config = await loadConfig(now);
    const c = (cache ??= await load(config));
    const evaluated = await evaluateDue(config, c, now, signal);
    if (signal.aborted) throw signal.reason ?? new Error('aborted');

    const stepNow = clock();
    const schedulerState: SchedulerState = structuredClone(c.scheduler);
    const scheduler = config.policy
      ? new NotificationScheduler({ policy: config.policy, muteTimings: config.muteTimings }, schedulerState)
      : null;
    const step = stepAlerts(
      evaluated,
      (id) => c.instances.get(id) ?? new Map(),
      scheduler,
      stepNow,
      (labels, t) => silencedBy(config.silences, labels, t)?.id ?? null,
    );
    const ruleIds = new Map(config.rules.map((r) => [r.rule.name, r.id]));
    // A rule disabled (or deleted) since: its instances go, and its alerts resolve for whoever heard of them.
    const enabled = new Set(config.rules.map((r) => r.id));
    const gone = [...c.instances.keys()].filter((id) => !enabled.has(id));
    if (scheduler && gone.length > 0)
      resolveAlertsOfRetiredRules(schedulerState, new Set(ruleIds.keys()), stepNow);
    await opts.db.$transaction(async (tx) => {
      if (gone.length > 0) await tx.alertInstance.deleteMany({ where: { ruleId: { in: gone } } });
      for (const r of step.results) {
        await writeAlertEvaluation(tx, { id: r.id, name: r.rule.name }, r);
      }
      if (scheduler) await writeNotifierState(tx, schedulerState);
      await writeNotificationRecords(tx, step.records, ruleIds);
    }, TX_OPTIONS);

    // Stored: the cache follows.
    for (const r of step.results) c.instances.set(r.id, r.instances);
    c.scheduler = schedulerState;
    for (const e of evaluated) {
      const intervalMs = e.rule.intervalSeconds * 1000;
      c.due.set(e.id, { intervalMs, at: nextSlot(e.rule.name, intervalMs, e.t, stepNow) });
    }
    for (const id of gone) c.instances.delete(id);
    await endResolvedSilences(config, c, stepNow);
    return {
      evaluated: evaluated.length,
      changes: step.results.reduce((n, r) => n + r.changes.length, 0),
      records: step.records,
    };
  }

  async function endResolvedSilences(config: AlertConfigSnapshot, c: NonNullable<typeof cache>, now: number) {
    const active = activeLabels(config, c.instances);
    for (const s of config.silences) if (active.some((l) => silenceMatches(s, l))) c.matched.add(s.id);
    const targets = active.map((labels) => ({ labels, active: true }));
    for (const s of resolvedSilences(config.silences, targets, c.matched, now)) {
      await expireAlertSilence(opts.db, s.id, { actor: RESOLVED_SILENCE_ACTOR, at: new Date(now) }).catch(
        () => undefined, // already expired by someone: nothing to do
      );
      c.matched.delete(s.id);
    }
  }
}

/**
 * Marks resolved, in the notifier's groups, the firing alerts of rules no longer enabled: the next
 * flush tells receivers that heard of them, and the groups close.
 */
function resolveAlertsOfRetiredRules(state: SchedulerState, enabledNames: ReadonlySet<string>, now: number) {
  for (const group of Object.values(state.groups)) {
    for (const a of Object.values(group.alerts)) {
      if (a.status === 'firing' && !enabledNames.has(a.labels.alertname ?? ''))
        group.alerts[a.fingerprint] = { ...a, status: 'resolved', endsAt: now };
    }
  }
}

/** The labels of every active alert (as routing and silences see them). */
function activeLabels(
  config: AlertConfigSnapshot,
  instances: ReadonlyMap<string, ReadonlyMap<string, InstanceState>>,
) {
  const out = [];
  for (const { id, rule } of config.rules) {
    for (const s of instances.get(id)?.values() ?? []) {
      if (s.state === 'firing' || s.state === 'no_data' || s.state === 'error')
        out.push(alertLabels(rule, s.labels, s.state));
    }
  }
  return out;
}
