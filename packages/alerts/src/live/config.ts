import type { AlertRule, MuteTiming, Receiver, RootPolicy } from '@tributary/contracts';
import type { Db } from '@tributary/db';
import type { StoredSilence } from '../silences.ts';
import { listAlertMuteTimings } from '../store/mute-timings.ts';
import { loadAlertReceivers } from '../store/receivers.ts';
import { listAlertRules } from '../store/rules.ts';
import { storedPolicy } from '../store/routing.ts';
import { listAlertSilences } from '../store/silences.ts';

/** What one evaluator tick works from: enabled rules, where notifications go, what is silenced. */
export interface AlertConfigSnapshot {
  rules: Array<{ id: string; rule: AlertRule }>;
  /** null until someone stores a routing tree: alerts are evaluated and kept, nobody is notified. */
  policy: RootPolicy | null;
  muteTimings: MuteTiming[];
  /** With their secrets: only the jobs service delivers. */
  receivers: Receiver[];
  /** Silences not ended (in force or starting later). */
  silences: StoredSilence[];
}

/**
 * Reads the alert configuration for each tick. Silences, routing, receivers and mute timings are
 * small and read every tick (a silence saved now is honoured by the next tick, well within a
 * second); the rules are read again only when their count or newest change moved, so 1,000 rules
 * are not parsed twice a second.
 */
export function createAlertConfigLoader(db: Db) {
  let rules: AlertConfigSnapshot['rules'] = [];
  let rulesStamp = '';
  return async function load(now: number): Promise<AlertConfigSnapshot> {
    const stamp = await db.alertRule.aggregate({ _count: { _all: true }, _max: { updatedAt: true } });
    const key = `${stamp._count._all}:${stamp._max.updatedAt?.getTime() ?? 0}`;
    if (key !== rulesStamp) {
      rules = (await listAlertRules(db)).filter((r) => r.enabled).map((r) => ({ id: r.id, rule: r.rule }));
      rulesStamp = key;
    }
    const [policy, muteTimings, receivers, silences] = await Promise.all([
      storedPolicy(db),
      listAlertMuteTimings(db),
      loadAlertReceivers(db),
      listAlertSilences(db, { now: new Date(now) }),
    ]);
    return {
      rules,
      policy: policy?.policy ?? null,
      muteTimings: muteTimings.map((m) => m.muteTiming),
      receivers,
      silences,
    };
  };
}
