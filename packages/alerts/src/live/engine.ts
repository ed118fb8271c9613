import type { AlertRule } from '@tributary/contracts';
import { alertEventsAfter } from '../rule-runner.ts';
import {
  flushDue,
  type NotificationRecord,
  type NotificationScheduler,
  type SilenceCheck,
} from '../scheduler.ts';
import { evaluateRule, type InstanceState, type RuleOutcome, type StateChange } from '../state-machine.ts';

/** One rule's query answer, for the evaluation slot t. */
export interface EvaluatedRule {
  id: string;
  rule: AlertRule;
  t: number;
  outcome: RuleOutcome;
}

export interface EngineStep {
  results: Array<{
    id: string;
    rule: AlertRule;
    prev: ReadonlyMap<string, InstanceState>;
    instances: Map<string, InstanceState>;
    changes: StateChange[];
  }>;
  records: NotificationRecord[];
}

/**
 * One tick of live alerting without I/O: every rule's answer steps its instances (the same
 * state machine a backtest replays), their alerts reach the one notification scheduler shared
 * by all rules (so a group can gather the alerts of several rules: the freshness and lag alerts
 * of one outage arrive in one notification), and what fell due up to `now` comes out. Answers
 * are taken in time order, and notifications due before an answer's slot go out first, as a
 * backtest's runner does.
 */
export function stepAlerts(
  evaluated: readonly EvaluatedRule[],
  instancesOf: (ruleId: string) => ReadonlyMap<string, InstanceState>,
  scheduler: NotificationScheduler | null,
  now: number,
  silencedBy: SilenceCheck,
): EngineStep {
  const results: EngineStep['results'] = [];
  const records: NotificationRecord[] = [];
  const ordered = [...evaluated].sort((a, b) => a.t - b.t || (a.rule.name < b.rule.name ? -1 : 1));
  for (const e of ordered) {
    if (scheduler) records.push(...flushDue(scheduler, e.t - 1, silencedBy));
    const prev = instancesOf(e.id);
    const { instances, changes } = evaluateRule(e.rule, prev, e.outcome, e.t);
    scheduler?.observe(alertEventsAfter(e.rule, prev, instances, changes, e.t), e.t);
    results.push({ id: e.id, rule: e.rule, prev, instances, changes });
  }
  if (scheduler) records.push(...flushDue(scheduler, now, silencedBy));
  return { results, records };
}
