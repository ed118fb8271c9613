// A backtest says what live evaluation would have done: over one recorded data set in the real
// ClickHouse engine, evaluating live — one evaluation at a time at t0, t0 + interval, …, each
// with its own query and the live runner — and backtesting the same range (one query for the
// series, the same runner) give identical state changes, firings and notifications. The data
// is shaped, with the changes worked out by hand below, so that both rules pend, fire after
// their pending period, stay firing between the recovery and the firing threshold
// (hysteresis), and pend on a short burst that clears before it could fire.
import { createClickHouse, insertRows, toDateTime64, type ClickHouseClient } from '@tributary/clickhouse';
import { alertRuleSchema, rootPolicySchema, type AlertRule } from '@tributary/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';
import { backtestRule, firingsOf } from './backtest.ts';
import { evaluateAt, type EvaluationDeps } from './evaluate.ts';
import { labelsKey } from './labels.ts';
import { clickHousePanelRunner } from './panel-runner.ts';
import { RuleRunner } from './rule-runner.ts';
import type { NotificationRecord } from './scheduler.ts';
import type { StateChange } from './state-machine.ts';

const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
// Hour-aligned, a day back: inside pipeline_metrics' 30-day TTL.
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 24 * HOUR;
const RANGE = { from: T0, to: T0 + HOUR };

/** Per minute m of the hour, from a table of [from, to, value] runs (0 outside them). */
const perMinute = (runs: Array<[number, number, number]>) => (m: number) =>
  runs.find(([a, b]) => m >= a && m < b)?.[2] ?? 0;

/** Ingest's rejects from web per minute (one counter flush at m:05). */
const rejects = perMinute([
  [0, 10, 1],
  [10, 20, 8],
  [20, 25, 3],
  [25, 40, 1],
  [40, 42, 8],
  [42, 60, 1],
]);

/** Purchases per minute from web; ios sends 2 every minute throughout. */
const webPurchases = perMinute([
  [0, 10, 2],
  [10, 20, 15],
  [20, 26, 7],
  [26, 40, 2],
  [40, 42, 30],
  [42, 60, 2],
]);

let iso: Isolated;
let ch: ClickHouseClient;
let deps: EvaluationDeps;

function event(id: string, source: string, at: number) {
  const t = toDateTime64(new Date(at));
  return {
    event_id: id,
    event_type: 'purchase',
    timestamp: t,
    user_id: null,
    data: {},
    metadata: {},
    source,
    schema_version: 1,
    received_at: t,
    processed_at: t,
  };
}

beforeAll(async () => {
  iso = await isolate();
  ch = createClickHouse({ url: iso.clickhouseUrl });
  const target = { client: ch, database: iso.clickhouseDatabase };
  deps = { target, runPanel: clickHousePanelRunner(target) };
  const db = iso.clickhouseDatabase;
  const metrics = [];
  const events = [];
  for (let m = 0; m < 60; m++) {
    if (rejects(m) > 0)
      metrics.push({
        ts: toDateTime64(new Date(T0 + m * MIN + 5 * S)),
        service: 'ingest',
        instance: 'i1',
        stage: 'source:web:rejected',
        count: rejects(m),
      });
    const web = webPurchases(m);
    for (let i = 0; i < web; i++)
      events.push(event(`w-${m}-${i}`, 'web', T0 + m * MIN + Math.floor((i * MIN) / web)));
    for (let i = 0; i < 2; i++) events.push(event(`i-${m}-${i}`, 'ios', T0 + m * MIN + 20 * S + i * 20 * S));
  }
  await insertRows(ch, `${db}.pipeline_metrics`, metrics);
  await insertRows(ch, `${db}.events`, events, { dedupToken: 'backtest-live:events' });
});

afterAll(async () => {
  await ch?.close();
  await iso?.cleanup();
});

const notify = {
  policy: rootPolicySchema.parse({
    receiver: 'hook',
    groupBy: ['alertname'],
    groupWaitSeconds: 30,
    groupIntervalSeconds: 300,
    repeatIntervalSeconds: 3600,
  }),
  muteTimings: [],
};

/** Rejects over the last 2 minutes: fires above 10 after 2 minutes, clears at 4 or less. */
const rejectsRule: AlertRule = alertRuleSchema.parse({
  name: 'web-rejects',
  title: 'Web rejects',
  query: { kind: 'signal', signal: { kind: 'ingest_rejects', sources: ['web'] } },
  condition: { kind: 'threshold', op: 'above', threshold: 10, recovery: 4 },
  intervalSeconds: 60,
  windowSeconds: 120,
  pendingSeconds: 120,
});

/** Purchases per source over 4 one-minute buckets, every 2 minutes: above 40 for 4 minutes fires, 20 or less clears. */
const purchasesRule: AlertRule = alertRuleSchema.parse({
  name: 'purchase-surge',
  title: 'Purchase surge',
  query: {
    kind: 'panel',
    query: {
      source: { kind: 'events', eventTypes: ['purchase'] },
      measure: { fn: 'count' },
      groupBy: ['source'],
      interval: 60,
      range: { from: T0, to: T0 + HOUR },
    },
    reduce: 'sum',
  },
  condition: { kind: 'threshold', op: 'above', threshold: 40, recovery: 20 },
  intervalSeconds: 120,
  windowSeconds: 240,
  pendingSeconds: 240,
});

/** Live evaluation: at t0, t0 + interval, …, one evaluateAt (its own query) into the live runner. */
async function live(rule: AlertRule) {
  const runner = new RuleRunner(rule, notify);
  const changes: StateChange[] = [];
  const notifications: NotificationRecord[] = [];
  let evaluations = 0;
  for (let t = RANGE.from; t < RANGE.to; t += rule.intervalSeconds * 1000) {
    const outcome = await evaluateAt(rule, deps, t);
    // A failed query would read as an error state on both sides alike: it must not happen here.
    expect(outcome.kind, outcome.kind === 'error' ? outcome.message : '').toBe('values');
    const r = runner.evaluate(outcome, t);
    changes.push(...r.changes);
    notifications.push(...r.notifications);
    evaluations++;
  }
  return { evaluations, changes, firings: firingsOf(changes), notifications };
}

/** The changes of one group as [from → to, minute of the hour]. */
const steps = (changes: StateChange[], group: Record<string, string>) =>
  changes
    .filter((c) => labelsKey(c.labels) === labelsKey(group))
    .map((c) => [`${c.from} → ${c.to}`, (c.at - T0) / MIN]);

describe('a backtest replays what live evaluation did', () => {
  it('a signal rule: pending, firing, held by the recovery threshold, a burst that pends and clears', async () => {
    const l = await live(rejectsRule);
    // Window sums: 16 from minute 12 (pending), firing at 14 once pending 2 minutes; 11, then 6
    // from minute 22 — under the threshold but above the recovery: still firing — until 4 at
    // minute 26. The burst: 16 at 42 pends, 9 at 43 holds it (recovery), 2 at 44 clears it.
    expect(steps(l.changes, { source: 'web' })).toEqual([
      ['normal → pending', 12],
      ['pending → firing', 14],
      ['firing → normal', 26],
      ['normal → pending', 42],
      ['pending → normal', 44],
    ]);
    expect(l.firings).toEqual([
      { labels: { source: 'web' }, state: 'firing', from: T0 + 14 * MIN, to: T0 + 26 * MIN },
    ]);
    const b = await backtestRule(rejectsRule, deps, RANGE, notify);
    expect(b.evaluations).toBe(l.evaluations);
    expect(b.changes).toEqual(l.changes);
    expect(b.firings).toEqual(l.firings);
    expect(b.notifications).toEqual(l.notifications);
    expect(b.routes).toEqual([{ routeId: 'root', receiver: 'hook', sent: 2, muted: 0, silenced: 0 }]);
  });

  it('a panel rule every 2 minutes: the same, per source, with ios never leaving normal', async () => {
    const l = await live(purchasesRule);
    // Sums of 4 buckets, evaluated at even minutes: 60 from minute 14 (pending), firing at 18;
    // 44 at 22, then 28 at 24 and 26 (held by the recovery), 18 at 28 clears. The burst: 64 at
    // 42 and 44 pends, 8 at 46 clears it before its 4 minutes. ios reads 8 throughout.
    expect(steps(l.changes, { source: 'web' })).toEqual([
      ['normal → pending', 14],
      ['pending → firing', 18],
      ['firing → normal', 28],
      ['normal → pending', 42],
      ['pending → normal', 46],
    ]);
    expect(steps(l.changes, { source: 'ios' })).toEqual([]);
    expect(l.firings).toEqual([
      { labels: { source: 'web' }, state: 'firing', from: T0 + 18 * MIN, to: T0 + 28 * MIN },
    ]);
    const b = await backtestRule(purchasesRule, deps, RANGE, notify);
    expect(b.evaluations).toBe(30);
    expect(b.changes).toEqual(l.changes);
    expect(b.firings).toEqual(l.firings);
    expect(b.notifications).toEqual(l.notifications);
  });
});
