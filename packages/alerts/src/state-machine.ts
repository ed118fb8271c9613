import type { AlertRule, AlertState, Labels } from '@tributary/contracts';
import { judge, type AnomalyBaseline } from './condition.ts';
import { labelsKey } from './labels.ts';

/** What a problem turns into once it lasted the pending period. */
type Problem = 'breach' | 'no_data' | 'error';
const TARGET: Record<Problem, Exclude<AlertState, 'normal' | 'pending'>> = {
  breach: 'firing',
  no_data: 'no_data',
  error: 'error',
};

/** One alert instance: a rule and one group of its query (e.g. one source). JSON-serialisable. */
export interface InstanceState {
  /** The group's labels (from the query's group columns); {} for an ungrouped rule. */
  labels: Labels;
  state: AlertState;
  /** When it entered `state`. */
  since: number;
  /** Pending: what it is pending for, and since when the problem has lasted. */
  pendingFor: Problem | null;
  activeSince: number | null;
  /** Firing, no_data, error: since when a different problem (data gone, an error) has lasted. */
  switchTo: Problem | null;
  switchSince: number | null;
  /** Firing and recovered: since when (the keep-firing period runs from here). */
  recoveringSince: number | null;
  value: number | null;
  error: string | null;
  evaluatedAt: number;
}

export interface StateChange {
  rule: string;
  labels: Labels;
  from: AlertState;
  to: AlertState;
  at: number;
  value: number | null;
  reason: string;
}

/** What one evaluation found for one instance. */
export type InstanceInput =
  | { kind: 'value'; value: number; baseline?: AnomalyBaseline | null }
  | { kind: 'no_data' }
  | { kind: 'error'; message: string };

type Observation = { kind: 'clear'; reason: string } | { kind: Problem; reason: string } | { kind: 'skip' };

type Timing = Pick<AlertRule, 'pendingSeconds' | 'keepFiringSeconds'>;
type RulePart = Pick<AlertRule, 'name' | 'condition' | 'noData' | 'onError'> & Timing;

export function newInstance(labels: Labels, t: number): InstanceState {
  return {
    labels,
    state: 'normal',
    since: t,
    pendingFor: null,
    activeSince: null,
    switchTo: null,
    switchSince: null,
    recoveringSince: null,
    value: null,
    error: null,
    evaluatedAt: t,
  };
}

/** Whether a value is judged with the recovery threshold (the instance is pending or firing on a breach). */
function breachActive(s: InstanceState): boolean {
  return s.state === 'firing' || (s.state === 'pending' && s.pendingFor === 'breach');
}

/** The instance's input after the rule's no-data and error policies. */
function observe(rule: RulePart, s: InstanceState, input: InstanceInput): Observation {
  if (input.kind === 'value') {
    const v = judge(rule.condition, input.value, breachActive(s), input.baseline);
    if (v.kind === 'no_baseline') return observe(rule, s, { kind: 'no_data' });
    return v;
  }
  if (input.kind === 'no_data') {
    switch (rule.noData) {
      case 'no_data':
        return { kind: 'no_data', reason: 'the query returned no data' };
      case 'alerting':
        return { kind: 'breach', reason: 'no data (the rule treats it as alerting)' };
      case 'ok':
        return { kind: 'clear', reason: 'no data (the rule treats it as normal)' };
      case 'keep_last':
        return { kind: 'skip' };
    }
  }
  switch (rule.onError) {
    case 'error':
      return { kind: 'error', reason: `evaluation failed: ${input.message}` };
    case 'alerting':
      return {
        kind: 'breach',
        reason: `evaluation failed (the rule treats it as alerting): ${input.message}`,
      };
    case 'keep_last':
      return { kind: 'skip' };
  }
}

/**
 * The next state of one instance at time t. Pure: the same inputs give the same state and
 * changes, which is what lets a backtest replay what live evaluation would have done.
 */
export function stepInstance(
  rule: RulePart,
  prev: InstanceState,
  input: InstanceInput,
  t: number,
): { next: InstanceState; change: StateChange | null } {
  const obs = observe(rule, prev, input);
  const value = input.kind === 'value' ? input.value : null;
  const base: InstanceState = {
    ...prev,
    evaluatedAt: t,
    value: input.kind === 'value' ? input.value : prev.value,
    error: input.kind === 'error' ? input.message : null,
  };
  if (obs.kind === 'skip') return { next: { ...prev, evaluatedAt: t }, change: null };

  const pendingMs = rule.pendingSeconds * 1000;
  const keepMs = rule.keepFiringSeconds * 1000;
  const to = (state: AlertState, extra: Partial<InstanceState>, reason: string) => {
    const next: InstanceState = {
      ...base,
      state,
      since: t,
      pendingFor: null,
      activeSince: null,
      switchTo: null,
      switchSince: null,
      recoveringSince: null,
      ...extra,
    };
    return {
      next,
      change: { rule: rule.name, labels: prev.labels, from: prev.state, to: state, at: t, value, reason },
    };
  };
  const stay = (extra: Partial<InstanceState>) => ({ next: { ...base, ...extra }, change: null });

  if (obs.kind === 'clear') {
    switch (prev.state) {
      case 'normal':
        return stay({});
      case 'pending':
        return to('normal', {}, obs.reason);
      case 'firing': {
        // Keep firing for a while after recovering: a value that dips briefly sends nothing.
        const since = prev.recoveringSince ?? t;
        if (t - since < keepMs) return stay({ recoveringSince: since, switchTo: null, switchSince: null });
        return to(
          'normal',
          {},
          keepMs > 0 ? `${obs.reason}, and stayed so for the keep-firing period` : obs.reason,
        );
      }
      case 'no_data':
      case 'error':
        return to('normal', {}, obs.reason);
    }
  }

  const problem = obs.kind;
  const target = TARGET[problem];
  switch (prev.state) {
    case 'normal':
      if (pendingMs === 0) return to(target, {}, obs.reason);
      return to('pending', { pendingFor: problem, activeSince: t }, obs.reason);
    case 'pending': {
      // The problem has lasted since activeSince, whatever its kind now (a breach that turned
      // into no data is still one continuous problem); it fires as what it is at the end.
      const since = prev.activeSince ?? t;
      if (t - since >= pendingMs) return to(target, {}, obs.reason);
      return stay({ pendingFor: problem, activeSince: since });
    }
    case 'firing':
    case 'no_data':
    case 'error': {
      if (target === prev.state) return stay({ recoveringSince: null, switchTo: null, switchSince: null });
      // A firing alert whose data went away keeps firing until the gap lasted the pending
      // period: one failed or empty evaluation neither resolves it nor pages anew.
      const since = prev.switchTo === problem && prev.switchSince !== null ? prev.switchSince : t;
      if (t - since >= pendingMs) return to(target, {}, obs.reason);
      return stay({ switchTo: problem, switchSince: since });
    }
  }
}

/** What one evaluation of a rule found. */
export type RuleOutcome =
  | {
      kind: 'values';
      values: Array<{ labels: Labels; value: number; baseline?: AnomalyBaseline | null }>;
      /** Counts and rates: a known group missing from the result is 0, not "no data". */
      absentIsZero: boolean;
    }
  | { kind: 'no_data' }
  | { kind: 'error'; message: string };

export type RuleInstances = ReadonlyMap<string, InstanceState>;

/**
 * Steps every instance of a rule at time t. Groups in the result step with their value; known
 * groups missing from it step with 0 (counts) or no data, and are forgotten once normal. A query
 * that returned nothing at all (or failed) reaches every known instance, or the rule's single
 * ungrouped instance when none is known.
 */
export function evaluateRule(
  rule: RulePart,
  prev: RuleInstances,
  outcome: RuleOutcome,
  t: number,
): { instances: Map<string, InstanceState>; changes: StateChange[] } {
  const instances = new Map<string, InstanceState>();
  const changes: StateChange[] = [];
  const apply = (key: string, s: InstanceState, input: InstanceInput, forgetWhenNormal: boolean) => {
    const { next, change } = stepInstance(rule, s, input, t);
    if (change) changes.push(change);
    if (!(forgetWhenNormal && next.state === 'normal')) instances.set(key, next);
  };
  const forget = (s: InstanceState, reason: string) => {
    if (s.state !== 'normal')
      changes.push({
        rule: rule.name,
        labels: s.labels,
        from: s.state,
        to: 'normal',
        at: t,
        value: null,
        reason,
      });
  };

  if (outcome.kind === 'values' && outcome.values.length > 0) {
    const seen = new Set<string>();
    for (const v of outcome.values) {
      const key = labelsKey(v.labels);
      seen.add(key);
      apply(
        key,
        prev.get(key) ?? newInstance(v.labels, t),
        { kind: 'value', value: v.value, baseline: v.baseline ?? null },
        false,
      );
    }
    for (const [key, s] of prev) {
      if (seen.has(key)) continue;
      if (outcome.absentIsZero) apply(key, s, { kind: 'value', value: 0 }, true);
      // The rule-wide instance of an earlier empty or failed query: data is back, it resolves.
      else if (Object.keys(s.labels).length === 0) forget(s, 'the query returns data again');
      // Not yet a problem: the group is simply gone (a source that stopped is what counts are for).
      else if (s.state === 'normal' || s.state === 'pending') forget(s, 'the group is gone from the result');
      else apply(key, s, { kind: 'no_data' }, true);
    }
    return { instances, changes };
  }

  const input: InstanceInput =
    outcome.kind === 'error' ? { kind: 'error', message: outcome.message } : { kind: 'no_data' };
  if (outcome.kind === 'values' && outcome.absentIsZero) {
    // Nothing counted anywhere: every known group is 0; an ungrouped rule reads 0 too.
    if (prev.size === 0) apply(labelsKey({}), newInstance({}, t), { kind: 'value', value: 0 }, true);
    for (const [key, s] of prev) apply(key, s, { kind: 'value', value: 0 }, true);
    return { instances, changes };
  }
  if (prev.size === 0) apply(labelsKey({}), newInstance({}, t), input, true);
  for (const [key, s] of prev) apply(key, s, input, true);
  return { instances, changes };
}
