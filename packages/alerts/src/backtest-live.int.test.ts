// A backtest says what live evaluation did: over one recorded data set in the real ClickHouse
// engine, the jobs service's evaluator (createAlertEvaluator, rules and instances in Postgres)
// driven by an injected clock through the range — each rule evaluated at its own slots, one query
// per evaluation — and a backtest of the same range (one query for the series, the same state
// machine and notification scheduler) give identical state changes, firings and notifications.
// The data is shaped, with the changes worked out by hand below, so that both rules pend, fire
// after their pending period, stay firing between the recovery and the firing threshold
// (hysteresis), and pend on a short burst that clears before it could fire.
import { createClickHouse, insertRows, toDateTime64, type ClickHouseClient } from '@tributary/clickhouse';
import { alertRuleSchema, rootPolicySchema, type AlertRule } from '@tributary/contracts';
import { createDb, type Db } from '@tributary/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';
import { backtestRule, evaluationTimes, firingsOf } from './backtest.ts';
import type { EvaluationDeps } from './evaluate.ts';
import { labelsKey } from './labels.ts';
import { createAlertEvaluator, type EvaluationReport } from './live/evaluator.ts';
import { clickHousePanelRunner } from './panel-runner.ts';
import type { NotificationRecord } from './scheduler.ts';
import type { StateChange } from './state-machine.ts';
import { listAlertHistory } from './store/history.ts';
import { createAlertReceiver } from './store/receivers.ts';
import { replaceAlertRouting } from './store/routing.ts';
import { createAlertRule } from './store/rules.ts';

const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
// Hour-aligned, a day back: inside pipeline_metrics' 30-day TTL.
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 24 * HOUR;
const RANGE = { from: T0, to: T0 + HOUR };

/** Per minute m, from a table of [from, to, value] runs (0 outside them). */
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

// Each rule's first slot in the range (its name's offset into the interval, as live/due.ts
// places it): the hand-worked minutes below count from there.
const REJECTS_AT = evaluationTimes(rejectsRule, RANGE).first;
const PURCHASES_AT = evaluationTimes(purchasesRule, RANGE).first;
// A panel evaluation reads the whole buckets before its slot: the data counts from that bucket.
const PURCHASES_DATA = Math.floor(PURCHASES_AT / MIN) * MIN;

const policy = {
  receiver: 'hook',
  groupBy: ['alertname'],
  groupWaitSeconds: 30,
  groupIntervalSeconds: 300,
  repeatIntervalSeconds: 3600,
};
const notify = { policy: rootPolicySchema.parse(policy), muteTimings: [] };

let iso: Isolated;
let ch: ClickHouseClient;
let db: Db;
let deps: EvaluationDeps;
const reports: EvaluationReport[] = [];

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
  db = createDb(iso.databaseUrl);
  const target = { client: ch, database: iso.clickhouseDatabase };
  deps = { target, runPanel: clickHousePanelRunner(target) };
  const metrics = [];
  const events = [];
  for (let m = 0; m < 60; m++) {
    if (rejects(m) > 0)
      metrics.push({
        ts: toDateTime64(new Date(REJECTS_AT + m * MIN + 5 * S)),
        service: 'ingest',
        instance: 'i1',
        stage: 'source:web:rejected',
        count: rejects(m),
      });
    const base = PURCHASES_DATA + m * MIN;
    const web = webPurchases(m);
    for (let i = 0; i < web; i++)
      events.push(event(`w-${m}-${i}`, 'web', base + Math.floor((i * MIN) / web)));
    for (let i = 0; i < 2; i++) events.push(event(`i-${m}-${i}`, 'ios', base + 20 * S + i * 20 * S));
  }
  await insertRows(ch, `${iso.clickhouseDatabase}.pipeline_metrics`, metrics);
  await insertRows(ch, `${iso.clickhouseDatabase}.events`, events, { dedupToken: 'backtest-live:events' });

  // Live: both rules stored, notifications routed per rule, the evaluator on the test's clock
  // through the range (a tick every 10 s; every slot is evaluated at its own time).
  await createAlertReceiver(
    db,
    { kind: 'webhook', name: 'hook', url: 'http://127.0.0.1:9/hook' },
    { actor: 'test' },
  );
  await replaceAlertRouting(db, { revision: 0, policy }, { actor: 'test' });
  await createAlertRule(db, rejectsRule, { actor: 'test' });
  await createAlertRule(db, purchasesRule, { actor: 'test' });
  // Started at the later first slot, still before either rule's second: each rule's first
  // evaluation is its first slot in the range, as in the backtest.
  let now = Math.max(REJECTS_AT, PURCHASES_AT);
  expect(now - REJECTS_AT).toBeLessThan(rejectsRule.intervalSeconds * S);
  expect(now - PURCHASES_AT).toBeLessThan(purchasesRule.intervalSeconds * S);
  const evaluator = createAlertEvaluator({
    db,
    target,
    panelRunner: (signal) => clickHousePanelRunner(target, { signal }),
    now: () => now,
    onEvaluated: (r) => reports.push(r),
  });
  const never = new AbortController().signal;
  for (; now < RANGE.to; now = Math.min(RANGE.to - 1, now + 10 * S)) {
    await evaluator.tick(never);
    if (now === RANGE.to - 1) break;
  }
}, 180_000);

afterAll(async () => {
  await db?.$disconnect();
  await ch?.close();
  await iso?.cleanup();
});

/** What the evaluator stored for one rule: its state changes and the notifications it decided on. */
async function live(rule: AlertRule, lastSlot: number) {
  const history = (await listAlertHistory(db, { ruleName: rule.name, limit: 1000 })).reverse();
  const changes: StateChange[] = history
    .filter((h) => h.kind === 'state_change')
    .map((h) => {
      const d = h.detail as { labels: StateChange['labels']; value: number | null; reason: string };
      return {
        rule: h.ruleName!,
        labels: d.labels,
        from: h.fromState as StateChange['from'],
        to: h.toState as StateChange['to'],
        at: Date.parse(h.at),
        value: d.value,
        reason: d.reason,
      };
    });
  // The evaluator flushes up to its clock; the backtest up to its last evaluation.
  const notifications = history
    .filter((h) => h.kind === 'notification')
    .map((h) => (h.detail as { record: NotificationRecord }).record)
    .filter((r) => r.at <= lastSlot);
  const evaluations = reports.filter((r) => r.rule === rule.name);
  expect(evaluations.every((r) => r.outcome === 'values')).toBe(true);
  return {
    evaluations: evaluations.length,
    changes: ordered(changes),
    firings: firingsOf(ordered(changes)),
    notifications,
  };
}

/** One order for changes of the same time (history keeps no order within a timestamp). */
const ordered = (changes: StateChange[]) =>
  [...changes].sort((a, b) => a.at - b.at || (labelsKey(a.labels) < labelsKey(b.labels) ? -1 : 1));

async function backtest(rule: AlertRule) {
  const b = await backtestRule(rule, deps, RANGE, notify);
  const lastSlot = evaluationTimes(rule, RANGE).first + (b.evaluations - 1) * rule.intervalSeconds * S;
  return { b, lastSlot };
}

/** The changes of one group as [from → to, minutes after the rule's first slot]. */
const steps = (changes: StateChange[], group: Record<string, string>, first: number) =>
  changes
    .filter((c) => labelsKey(c.labels) === labelsKey(group))
    .map((c) => [`${c.from} → ${c.to}`, (c.at - first) / MIN]);

describe('a backtest replays what live evaluation did', () => {
  it('a signal rule: pending, firing, held by the recovery threshold, a burst that pends and clears', async () => {
    const { b, lastSlot } = await backtest(rejectsRule);
    const l = await live(rejectsRule, lastSlot);
    // Window sums: 16 from minute 12 (pending), firing at 14 once pending 2 minutes; 11, then 6
    // from minute 22 — under the threshold but above the recovery: still firing — until 4 at
    // minute 26. The burst: 16 at 42 pends, 9 at 43 holds it (recovery), 2 at 44 clears it.
    expect(steps(l.changes, { source: 'web' }, REJECTS_AT)).toEqual([
      ['normal → pending', 12],
      ['pending → firing', 14],
      ['firing → normal', 26],
      ['normal → pending', 42],
      ['pending → normal', 44],
    ]);
    expect(l.firings).toEqual([
      { labels: { source: 'web' }, state: 'firing', from: REJECTS_AT + 14 * MIN, to: REJECTS_AT + 26 * MIN },
    ]);
    expect(l.evaluations).toBe(60);
    expect(b.evaluations).toBe(l.evaluations);
    expect(b.changes).toEqual(l.changes);
    expect(b.firings).toEqual(l.firings);
    // Firing, then resolved: both decided live at the same times, with the same alerts.
    expect(l.notifications.map((n) => n.reason)).toEqual(['first', 'update']);
    expect(b.notifications).toEqual(l.notifications);
  });

  it('a panel rule every 2 minutes: the same, per source, with ios never leaving normal', async () => {
    const { b, lastSlot } = await backtest(purchasesRule);
    const l = await live(purchasesRule, lastSlot);
    // Sums of 4 buckets, evaluated every other minute: 60 from minute 14 (pending), firing at
    // 18; 44 at 22, then 28 at 24 and 26 (held by the recovery), 18 at 28 clears. The burst: 64
    // at 42 and 44 pends, 8 at 46 clears it before its 4 minutes. ios reads 8 throughout.
    expect(steps(l.changes, { source: 'web' }, PURCHASES_AT)).toEqual([
      ['normal → pending', 14],
      ['pending → firing', 18],
      ['firing → normal', 28],
      ['normal → pending', 42],
      ['pending → normal', 46],
    ]);
    expect(steps(l.changes, { source: 'ios' }, PURCHASES_AT)).toEqual([]);
    expect(l.firings).toEqual([
      {
        labels: { source: 'web' },
        state: 'firing',
        from: PURCHASES_AT + 18 * MIN,
        to: PURCHASES_AT + 28 * MIN,
      },
    ]);
    expect(l.evaluations).toBe(30);
    expect(b.evaluations).toBe(l.evaluations);
    expect(b.changes).toEqual(l.changes);
    expect(b.firings).toEqual(l.firings);
    expect(l.notifications.map((n) => n.reason)).toEqual(['first', 'update']);
    expect(b.notifications).toEqual(l.notifications);
  });
});
