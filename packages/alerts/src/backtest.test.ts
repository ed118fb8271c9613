import { alertRuleSchema, rootPolicySchema } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { replayRule } from './backtest.ts';
import { reduce } from './evaluate.ts';
import { RuleRunner } from './rule-runner.ts';
import type { RuleOutcome } from './state-machine.ts';

const MIN = 60_000;
const rule = alertRuleSchema.parse({
  name: 'rejects',
  title: 'Ingest rejects',
  query: { kind: 'signal', signal: { kind: 'ingest_rejects' } },
  condition: { kind: 'threshold', op: 'above', threshold: 10, recovery: 5 },
  pendingSeconds: 120,
  labels: { team: 'data' },
});
const notify = {
  policy: rootPolicySchema.parse({
    receiver: 'inbox',
    groupBy: ['alertname'],
    groupWaitSeconds: 30,
    groupIntervalSeconds: 300,
    repeatIntervalSeconds: 3600,
    routes: [{ receiver: 'data', matchers: [{ name: 'team', op: '=', value: 'data' }], continue: true }],
  }),
  muteTimings: [],
};

/** A recorded series: web oscillates around the threshold, ios has one spike, then no rows. */
function series(): Array<{ t: number; outcome: RuleOutcome }> {
  const out: Array<{ t: number; outcome: RuleOutcome }> = [];
  for (let i = 0; i < 180; i++) {
    const web = i < 20 ? 2 : i < 100 ? (i % 2 ? 12 : 8) : 1;
    const ios = i >= 40 && i < 45 ? 30 : 0;
    out.push({
      t: i * MIN,
      outcome:
        i >= 150 && i < 160
          ? { kind: 'error', message: 'timeout' }
          : {
              kind: 'values',
              values: [
                { labels: { source: 'web' }, value: web },
                { labels: { source: 'ios' }, value: ios },
              ],
              absentIsZero: true,
            },
    });
  }
  return out;
}

describe('backtest', () => {
  it('equals stepping the live runner over the same series, with its clock ticking between evaluations', () => {
    const recorded = series();
    const backtest = replayRule(rule, recorded, notify);

    const live = new RuleRunner(rule, notify);
    const changes = [];
    const notifications = [];
    for (const [i, { t, outcome }] of recorded.entries()) {
      const r = live.evaluate(outcome, t);
      changes.push(...r.changes);
      notifications.push(...r.notifications);
      // The jobs service looks for due notifications every 5 s between evaluations.
      const next = recorded[i + 1]?.t ?? t + MIN;
      for (let tick = t + 5000; tick < next; tick += 5000) notifications.push(...live.flushUntil(tick));
    }
    expect(backtest.changes).toEqual(changes);
    expect(backtest.notifications).toEqual(notifications);
  });

  it('fires once for a value oscillating above the recovery threshold, and counts per route', () => {
    const r = replayRule(rule, series(), notify);
    const web = r.firings.filter((f) => f.labels.source === 'web' && f.state === 'firing');
    // Pending from minute 21 (the first 12), firing at 23, resolved at 100 when it falls to 1.
    expect(web.map((f) => [f.state, f.from / MIN, f.to === null ? null : f.to / MIN])).toEqual([
      ['firing', 23, 100],
    ]);
    expect(
      r.firings
        .filter((f) => f.labels.source === 'ios' && f.state === 'firing')
        .map((f) => [f.from / MIN, f.to! / MIN]),
    ).toEqual([[42, 45]]);
    // The error lasted 10 minutes, longer than the pending period: one rule-wide error span per instance.
    expect(
      r.firings.filter((f) => f.state === 'error').map((f) => [f.labels.source, f.from / MIN, f.to! / MIN]),
    ).toEqual([
      ['web', 152, 160],
      ['ios', 152, 160],
    ]);
    const data = r.notifications.filter((n) => n.receiver === 'data');
    expect(data.map((n) => [n.at / MIN, n.reason, n.firing.length, n.resolved.length])).toEqual([
      [23.5, 'first', 1, 0],
      [43.5, 'update', 2, 0],
      [48.5, 'update', 1, 1],
      [103.5, 'update', 0, 1],
      // The group closed once all it said resolved: the errors open a new one (group_wait again).
      [152.5, 'first', 2, 0],
      [162.5, 'update', 0, 2],
    ]);
    // A matching child takes the alert from the root (continue only lets later siblings try too).
    expect(r.routes).toEqual([{ routeId: 'root.0', receiver: 'data', sent: 6, muted: 0, silenced: 0 }]);
  });

  it('reduces panel buckets', () => {
    expect(reduce([1, 2, 6], 'avg')).toBe(3);
    expect(reduce([1, 2, 6], 'last')).toBe(6);
    expect(reduce([1, 2, 6], 'sum')).toBe(9);
    expect(reduce([], 'max')).toBeNull();
  });
});
