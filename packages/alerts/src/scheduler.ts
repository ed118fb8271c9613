import type { Labels, MuteTiming, RootPolicy } from '@tributary/contracts';
import { isMuted } from './mute-timings.ts';
import { groupId, groupLabels, matchRoutes, type RouteMatch } from './routing.ts';

/** An alert as routing sees it: firing (firing, no data or error) or resolved. */
export interface AlertEvent {
  /** labelsKey of its labels. */
  fingerprint: string;
  labels: Labels;
  status: 'firing' | 'resolved';
  startsAt: number;
  endsAt: number | null;
  value: number | null;
}

interface GroupState {
  route: RouteMatch;
  groupLabels: Labels;
  alerts: Record<string, AlertEvent>;
  createdAt: number;
  nextFlushAt: number;
  /** Fingerprints of the firing alerts the last sent notification carried. */
  notifiedFiring: string[];
  lastNotifiedAt: number | null;
  /** The silenced alerts last recorded as such, so a silenced group is recorded once per change. */
  recordedSilenced: string[];
}

/** The scheduler's whole state: plain data, so a jobs service can persist it and a new leader resume. */
export interface SchedulerState {
  groups: Record<string, GroupState>;
}

export interface NotificationRecord {
  at: number;
  groupId: string;
  routeId: string;
  receiver: string;
  groupLabels: Labels;
  firing: AlertEvent[];
  resolved: AlertEvent[];
  /** send: deliver it; muted / silenced: recorded, not delivered. */
  outcome: 'send' | 'muted' | 'silenced';
  /** first: after group_wait; update: the group changed; repeat: unchanged after repeat_interval. */
  reason: 'first' | 'update' | 'repeat';
  /** The mute timing, or the silences' ids, behind a muted or silenced record. */
  by: string[];
}

export interface SchedulerConfig {
  policy: RootPolicy;
  muteTimings: readonly MuteTiming[];
}

/** Which silence, if any, holds an alert at t (see silencedBy). */
export type SilenceCheck = (labels: Labels, t: number) => string | null;

/**
 * Alertmanager's grouping, with an injected clock: a new group is sent group_wait after its
 * first alert; afterwards it is looked at every group_interval and sent when its firing set
 * changed or an alert it sent as firing resolved; an unchanged firing group is sent again
 * after repeat_interval. Silenced alerts and muted routes are recorded, not sent, and do not
 * count as sent (so they go out once the silence or mute ends).
 */
export class NotificationScheduler {
  readonly state: SchedulerState;

  constructor(
    private readonly config: SchedulerConfig,
    state?: SchedulerState,
  ) {
    this.state = state ?? { groups: {} };
  }

  /** Takes alerts in (new, still firing, or resolved) at time `now`. */
  observe(alerts: readonly AlertEvent[], now: number): void {
    for (const alert of alerts) {
      for (const route of matchRoutes(this.config.policy, alert.labels)) {
        const id = groupId(route, alert.labels);
        let group = this.state.groups[id];
        if (!group) {
          // A resolved alert never opens a group: nothing was said about it.
          if (alert.status === 'resolved') continue;
          group = {
            route,
            groupLabels: groupLabels(route, alert.labels),
            alerts: {},
            createdAt: now,
            nextFlushAt: now + route.groupWaitSeconds * 1000,
            notifiedFiring: [],
            lastNotifiedAt: null,
            recordedSilenced: [],
          };
          this.state.groups[id] = group;
        }
        group.alerts[alert.fingerprint] = alert;
      }
    }
  }

  /** When the next group is due to be looked at, or null with no groups. */
  nextDueAt(): number | null {
    let next: number | null = null;
    for (const g of Object.values(this.state.groups))
      if (next === null || g.nextFlushAt < next) next = g.nextFlushAt;
    return next;
  }

  /** The notifications due at `now` (every group whose time came), oldest due first. */
  flush(now: number, silencedBy: SilenceCheck = () => null): NotificationRecord[] {
    const out: NotificationRecord[] = [];
    const due = Object.entries(this.state.groups)
      .filter(([, g]) => g.nextFlushAt <= now)
      .sort(([a, ga], [b, gb]) => ga.nextFlushAt - gb.nextFlushAt || (a < b ? -1 : 1));
    for (const [id, group] of due) {
      out.push(...this.flushGroup(id, group, now, silencedBy));
    }
    return out;
  }

  private flushGroup(
    id: string,
    group: GroupState,
    now: number,
    silencedBy: SilenceCheck,
  ): NotificationRecord[] {
    const route = group.route;
    group.nextFlushAt = now + route.groupIntervalSeconds * 1000;
    const all = Object.values(group.alerts).sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
    const silences = new Map<string, string>();
    for (const a of all) {
      const by = silencedBy(a.labels, now);
      if (by) silences.set(a.fingerprint, by);
    }
    const notified = new Set(group.notifiedFiring);
    const firing = all.filter((a) => a.status === 'firing' && !silences.has(a.fingerprint));
    // Resolved alerts are only news to receivers that heard they fired.
    const resolved = all.filter((a) => a.status === 'resolved' && notified.has(a.fingerprint));
    const silencedFiring = all.filter((a) => a.status === 'firing' && silences.has(a.fingerprint));

    const changed = firing.some((a) => !notified.has(a.fingerprint)) || resolved.length > 0;
    const repeat =
      firing.length > 0 &&
      group.lastNotifiedAt !== null &&
      now - group.lastNotifiedAt >= route.repeatIntervalSeconds * 1000;
    const base = {
      at: now,
      groupId: id,
      routeId: route.id,
      receiver: route.receiver,
      groupLabels: group.groupLabels,
    };
    const records: NotificationRecord[] = [];
    const first = group.lastNotifiedAt === null;

    if (changed || repeat) {
      const muted = isMuted(route.muteTimings, this.config.muteTimings, now);
      const reason = first ? 'first' : changed ? 'update' : 'repeat';
      if (muted) {
        records.push({ ...base, firing, resolved, outcome: 'muted', reason, by: [muted] });
      } else {
        records.push({ ...base, firing, resolved, outcome: 'send', reason, by: [] });
        group.notifiedFiring = firing.map((a) => a.fingerprint);
        group.lastNotifiedAt = now;
        for (const a of resolved) delete group.alerts[a.fingerprint];
      }
    }
    // Silenced alerts are recorded as such, once for each change of what is silenced.
    const silencedKey = silencedFiring.map((a) => a.fingerprint);
    if (silencedKey.join('\n') !== group.recordedSilenced.join('\n')) {
      group.recordedSilenced = silencedKey;
      if (silencedFiring.length > 0)
        records.push({
          ...base,
          firing: silencedFiring,
          resolved: [],
          outcome: 'silenced',
          reason: first ? 'first' : 'update',
          by: [...new Set(silencedFiring.map((a) => silences.get(a.fingerprint)!))],
        });
    }
    // Resolved alerts nobody heard of leave quietly; a group with nothing left is closed.
    for (const a of all)
      if (a.status === 'resolved' && !notified.has(a.fingerprint)) delete group.alerts[a.fingerprint];
    if (Object.keys(group.alerts).length === 0) delete this.state.groups[id];
    return records;
  }
}

/** Every group notification due up to t, each flushed at the time it fell due. */
export function flushDue(
  scheduler: NotificationScheduler,
  t: number,
  silencedBy?: SilenceCheck,
): NotificationRecord[] {
  const out: NotificationRecord[] = [];
  for (let next = scheduler.nextDueAt(); next !== null && next <= t; next = scheduler.nextDueAt()) {
    out.push(...scheduler.flush(next, silencedBy));
  }
  return out;
}
