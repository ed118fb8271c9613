import type { AlertRule, AlertState, Labels } from '@tributary/contracts';
import { labelsKey } from './labels.ts';
import {
  flushDue,
  NotificationScheduler,
  type AlertEvent,
  type NotificationRecord,
  type SchedulerConfig,
  type SchedulerState,
  type SilenceCheck,
} from './scheduler.ts';
import { evaluateRule, type InstanceState, type RuleOutcome, type StateChange } from './state-machine.ts';

const ACTIVE = new Set<AlertState>(['firing', 'no_data', 'error']);

/** The labels an instance's alert carries: the rule's, the group's, its name and its state. */
export function alertLabels(
  rule: Pick<AlertRule, 'name' | 'labels'>,
  group: Labels,
  state: AlertState,
): Labels {
  return { ...rule.labels, ...group, alertname: rule.name, alertstate: state };
}

function alertEvent(
  rule: Pick<AlertRule, 'name' | 'labels'>,
  group: Labels,
  state: AlertState,
  startsAt: number,
  endsAt: number | null,
  value: number | null,
): AlertEvent {
  const labels = alertLabels(rule, group, state);
  return {
    fingerprint: labelsKey(labels),
    labels,
    status: endsAt === null ? 'firing' : 'resolved',
    startsAt,
    endsAt,
    value,
  };
}

/** The alerts of a rule's instances in an active state (firing, no data, error). */
export function activeAlertEvents(
  rule: Pick<AlertRule, 'name' | 'labels'>,
  instances: ReadonlyMap<string, InstanceState>,
): AlertEvent[] {
  return [...instances.values()]
    .filter((s) => ACTIVE.has(s.state))
    .map((s) => alertEvent(rule, s.labels, s.state, s.since, null, s.value));
}

/**
 * What one evaluation tells the notification scheduler: an instance that left an active state
 * resolves that state's alert; every instance still active is (still) firing. The live evaluator
 * and the backtest's runner both call this, so they notify alike.
 */
export function alertEventsAfter(
  rule: Pick<AlertRule, 'name' | 'labels'>,
  prev: ReadonlyMap<string, InstanceState>,
  instances: ReadonlyMap<string, InstanceState>,
  changes: readonly StateChange[],
  t: number,
): AlertEvent[] {
  const events: AlertEvent[] = [];
  for (const c of changes) {
    if (ACTIVE.has(c.from)) {
      const old = prev.get(labelsKey(c.labels));
      events.push(alertEvent(rule, c.labels, c.from, old?.since ?? t, t, c.value));
    }
  }
  events.push(...activeAlertEvents(rule, instances));
  return events;
}

export interface RunnerState {
  instances: Record<string, InstanceState>;
  scheduler: SchedulerState;
}

/**
 * One rule's live loop without I/O: evaluation outcomes in, state changes and due notifications
 * out. The jobs service feeds it from ClickHouse on its clock; a backtest feeds it recorded
 * outcomes. Both call exactly this.
 */
export class RuleRunner {
  private instances: Map<string, InstanceState>;
  readonly scheduler: NotificationScheduler;

  constructor(
    private readonly rule: AlertRule,
    notify: SchedulerConfig,
    state?: RunnerState,
  ) {
    this.instances = new Map(Object.entries(state?.instances ?? {}));
    this.scheduler = new NotificationScheduler(notify, state?.scheduler);
  }

  get state(): RunnerState {
    return { instances: Object.fromEntries(this.instances), scheduler: this.scheduler.state };
  }

  /** The instances' alerts now active (for previews and the Alerts page). */
  activeAlerts(): AlertEvent[] {
    return activeAlertEvents(this.rule, this.instances);
  }

  /**
   * An evaluation at t: notifications due before t go out first (they were due before this
   * evaluation happened), then the instances step and their alerts reach the scheduler, then
   * what is due at t goes out.
   */
  evaluate(
    outcome: RuleOutcome,
    t: number,
    silencedBy?: SilenceCheck,
  ): { changes: StateChange[]; notifications: NotificationRecord[] } {
    const notifications = this.flushUntil(t - 1, silencedBy);
    const prev = this.instances;
    const { instances, changes } = evaluateRule(this.rule, prev, outcome, t);
    this.instances = instances;
    this.scheduler.observe(alertEventsAfter(this.rule, prev, instances, changes, t), t);
    notifications.push(...this.flushUntil(t, silencedBy));
    return { changes, notifications };
  }

  /** Every group notification due up to t, each at the time it fell due. */
  flushUntil(t: number, silencedBy?: SilenceCheck): NotificationRecord[] {
    return flushDue(this.scheduler, t, silencedBy);
  }
}
