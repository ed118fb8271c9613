// Panel rules on the real ClickHouse engine: the rule reads its dashboard panel's numbers through
// @tributary/analytics (clickHousePanelRunner), and evaluating it live — one evaluation at a
// time, as the jobs service does — gives the same state changes, firings and notifications as a
// backtest over the same stored events. Covers a rollup-routed count and a raw-routed sum, and
// a burst that straddles the backtest's 1,500-bucket chunks.
import { runPanelQuery } from '@tributary/analytics';
import { createClickHouse, insertRows, toDateTime64, type ClickHouseClient } from '@tributary/clickhouse';
import { alertRuleSchema, rootPolicySchema, type AlertRule } from '@tributary/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';
import { backtestRule, evaluationTimes, firingsOf } from './backtest.ts';
import { evaluateAt, type EvaluationDeps } from './evaluate.ts';
import { labelsKey } from './labels.ts';
import { clickHousePanelRunner } from './panel-runner.ts';
import { RuleRunner } from './rule-runner.ts';
import type { NotificationRecord } from './scheduler.ts';
import type { StateChange } from './state-machine.ts';

const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
// Hour-aligned and in the past (events have no TTL; rollups are by event time).
const T0 = Date.parse('2026-03-10T00:00:00.000Z');
const RANGE = { from: T0, to: T0 + 27 * HOUR };

/** Purchases per minute in [from, to) minutes after T0, from web, each worth 10. */
const BURSTS = [
  { from: 180, to: 200, perMinute: 30 },
  // Shorter than the pending period: pends, never fires.
  { from: 600, to: 603, perMinute: 30 },
  // Around minute 1,495, where the backtest's second panel query starts (1,500 one-minute
  // buckets after the first window's start): its windows take buckets from both queries.
  { from: 1490, to: 1505, perMinute: 25 },
];

let iso: Isolated;
let ch: ClickHouseClient;
let deps: EvaluationDeps;

function event(id: string, type: string, source: string, at: number, amount: number) {
  const t = toDateTime64(new Date(at));
  return {
    event_id: id,
    event_type: type,
    timestamp: t,
    user_id: null,
    data: { amount },
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
  const rows = [];
  // Background every minute: two purchases (web, ios) worth 1 and one view.
  for (let m = 0; m < 27 * 60; m++) {
    const at = T0 + m * MIN;
    rows.push(event(`p-web-${m}`, 'purchase', 'web', at + 10 * S, 1));
    rows.push(event(`p-ios-${m}`, 'purchase', 'ios', at + 40 * S, 1));
    rows.push(event(`v-${m}`, 'view', 'web', at + 25 * S, 1));
  }
  for (const b of BURSTS)
    for (let m = b.from; m < b.to; m++)
      for (let i = 0; i < b.perMinute; i++)
        rows.push(
          event(`b-${m}-${i}`, 'purchase', 'web', T0 + m * MIN + Math.floor((i * 60 * S) / b.perMinute), 10),
        );
  for (let i = 0; i < rows.length; i += 3000)
    await insertRows(ch, `${iso.clickhouseDatabase}.events`, rows.slice(i, i + 3000), {
      dedupToken: `panel-rules:${i}`,
    });
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

const common = {
  intervalSeconds: 300,
  windowSeconds: 600,
  pendingSeconds: 600,
};

/** Count of events by type over the window (the rollup answers it). */
const countRule: AlertRule = alertRuleSchema.parse({
  ...common,
  // NOTE: names whose slot offset (live/due.ts) is under a minute: the windows end where
  // the hand-worked times below expect, each evaluation `o` after the whole minute.
  name: 'purchases-jump',
  title: 'Purchases surge',
  query: {
    kind: 'panel',
    query: {
      source: { kind: 'events', eventTypes: ['purchase', 'view'] },
      measure: { fn: 'count' },
      groupBy: ['event_type'],
      interval: 60,
      range: { from: T0, to: T0 + HOUR },
    },
    reduce: 'sum',
    panel: { dashboard: 'sales', panelId: 'by-type' },
  },
  condition: { kind: 'threshold', op: 'above', threshold: 50, recovery: 30 },
});

/** The largest per-minute sum of data.amount by source (raw events answer it). */
const amountRule: AlertRule = alertRuleSchema.parse({
  ...common,
  name: 'amount-surge',
  title: 'Amount spike',
  query: {
    kind: 'panel',
    query: {
      source: { kind: 'events', eventTypes: ['purchase'] },
      measure: { fn: 'sum', field: 'data.amount' },
      groupBy: ['source'],
      interval: 60,
      range: { from: T0, to: T0 + HOUR },
    },
    reduce: 'max',
  },
  condition: { kind: 'threshold', op: 'above', threshold: 100, recovery: 50 },
});

/** What the jobs service does: evaluate at each time, one query per evaluation. */
async function live(rule: AlertRule) {
  const runner = new RuleRunner(rule, notify);
  const changes: StateChange[] = [];
  const notifications: NotificationRecord[] = [];
  const step = rule.intervalSeconds * 1000;
  // At the rule's slots, as the evaluator does.
  for (let t = evaluationTimes(rule, RANGE).first; t < RANGE.to; t += step) {
    const outcome = await evaluateAt(rule, deps, t);
    // A failed query would pass as an error state on both sides: it must not happen here.
    expect(outcome.kind, outcome.kind === 'error' ? outcome.message : '').toBe('values');
    const r = runner.evaluate(outcome, t);
    changes.push(...r.changes);
    notifications.push(...r.notifications);
  }
  return { changes, firings: firingsOf(changes), notifications };
}

describe('panel rules on ClickHouse', () => {
  it('the two rules take the two routes their panels take (rollup and raw events)', async () => {
    const window = { from: T0 + 175 * MIN, to: T0 + 185 * MIN };
    for (const [rule, source] of [
      [countRule, 'rollup_1m'],
      [amountRule, 'raw'],
    ] as const) {
      if (rule.query.kind !== 'panel') throw new Error('a panel rule');
      const { source: from, measure, groupBy, interval } = rule.query.query;
      const result = await runPanelQuery(deps.target, {
        source: from,
        measure,
        groupBy,
        interval,
        range: window,
      });
      expect(result.source).toBe(source);
    }
  });

  for (const [rule, group] of [
    [countRule, { event_type: 'purchase' }],
    [amountRule, { source: 'web' }],
  ] as const) {
    it(`${rule.name}: live evaluation and the backtest fire the same`, async () => {
      const l = await live(rule);
      const b = await backtestRule(rule, deps, RANGE, notify);
      const o = evaluationTimes(rule, RANGE).first - T0;
      expect(o).toBeLessThan(MIN);
      // Bursts 1 and 3 fire once the pending period (10 min) has passed and resolve when the
      // window holds background only; the 3-minute wobble pends and clears.
      expect(l.firings).toEqual([
        { labels: group, state: 'firing', from: T0 + o + 195 * MIN, to: T0 + o + 210 * MIN },
        { labels: group, state: 'firing', from: T0 + o + 1505 * MIN, to: T0 + o + 1515 * MIN },
      ]);
      // (The raw sum has no value before the first event: the ungrouped instance pends on no
      // data at the range's start and is gone once groups appear.)
      const mine = l.changes.filter((c) => labelsKey(c.labels) === labelsKey(group));
      expect(mine.filter((c) => c.to === 'pending').map((c) => (c.at - T0 - o) / MIN)).toEqual([
        185, 605, 1495,
      ]);
      expect(b.evaluations).toBe((27 * 60) / 5);
      expect(b.firings).toEqual(l.firings);
      expect(b.changes).toEqual(l.changes);
      expect(b.notifications).toEqual(l.notifications);
      // Two firings, each announced and resolved.
      expect(b.routes).toEqual([{ routeId: 'root', receiver: 'hook', sent: 4, muted: 0, silenced: 0 }]);
    });
  }
});
