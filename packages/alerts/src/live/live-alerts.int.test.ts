// Live alerting on a clock the test moves, against the real ClickHouse (the signals' rows) and
// Postgres (rules, instances, history, the notifier's state and outbox), delivering to a real
// HTTP server: two rules of one outage arrive as one grouped notification and resolve together;
// a silence saved after a notification was queued holds it back at the next delivery; a value
// oscillating around the threshold but above the recovery threshold fires once.
import { createClickHouse, insertRows, toDateTime64, type ClickHouseClient } from '@tributary/clickhouse';
import { createDb, type Db } from '@tributary/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../../../../scripts/test-infra/fixtures.ts';
import { startWebhookSink } from '../../../../scripts/test-infra/webhook-sink.ts';
import { listAlertHistory } from '../store/history.ts';
import { createAlertReceiver } from '../store/receivers.ts';
import { replaceAlertRouting } from '../store/routing.ts';
import { createAlertRule } from '../store/rules.ts';
import { createAlertSilence } from '../store/silences.ts';
import { createAlertDeliverer } from './deliverer.ts';
import { createAlertEvaluator } from './evaluator.ts';

const S = 1000;
let iso: Isolated;
let ch: ClickHouseClient;
let db: Db;
let sink: Awaited<ReturnType<typeof startWebhookSink>>;
/** The webhook bodies received so far. */
const received = () => sink.received.map((r) => r.payload);
// The clock the evaluator and deliverer read; it only moves forward from the real now, so
// silences saved at the real time are in force on it.
let now = Math.ceil(Date.now() / 60_000) * 60_000;
const F = now;
const never = new AbortController().signal;

let evaluator: ReturnType<typeof createAlertEvaluator>;
let deliverer: ReturnType<typeof createAlertDeliverer>;

const metric = (ts: number, stage: string, count: number) => ({
  ts: toDateTime64(new Date(ts)),
  service: 'test',
  instance: 'i1',
  stage,
  count,
});

async function metrics(rows: ReturnType<typeof metric>[]) {
  await insertRows(ch, `${iso.clickhouseDatabase}.pipeline_metrics`, rows);
}

/** Source `s` received events every 5 s over [from, to). */
function receivedEvery5s(s: string, from: number, to: number) {
  const rows = [];
  for (let t = from; t < to; t += 5 * S) rows.push(metric(t, `source:${s}:received`, 3));
  return rows;
}

/** Moves the clock to `until` in `step` ms steps, evaluating and delivering at each. */
async function runUntil(until: number, step = S, deliver = true) {
  while (now < until) {
    now = Math.min(until, now + step);
    await evaluator.tick(never);
    if (deliver) await deliverer.deliver(never);
  }
}

const silenceRule = (name: string, source: string, severity: string) => ({
  name,
  title: `${source} went silent`,
  query: { kind: 'signal', signal: { kind: 'source_silence', sources: [source], minutes: 1 } },
  condition: { kind: 'threshold', op: 'below', threshold: 1 },
  intervalSeconds: 10,
  windowSeconds: 60,
  pendingSeconds: 20,
  labels: { severity },
});

beforeAll(async () => {
  iso = await isolate();
  ch = createClickHouse({ url: iso.clickhouseUrl });
  db = createDb(iso.databaseUrl);
  sink = await startWebhookSink();
  const url = sink.url;
  await createAlertReceiver(db, { kind: 'webhook', name: 'hook', url }, { actor: 'test' });
  await replaceAlertRouting(
    db,
    {
      revision: 0,
      policy: {
        receiver: 'hook',
        groupBy: ['severity'],
        groupWaitSeconds: 10,
        groupIntervalSeconds: 30,
        repeatIntervalSeconds: 3600,
      },
    },
    { actor: 'test' },
  );
  const target = { client: ch, database: iso.clickhouseDatabase };
  evaluator = createAlertEvaluator({ db, target, now: () => now });
  deliverer = createAlertDeliverer({
    db,
    instance: 'test',
    consoleUrl: 'http://console.test',
    now: () => now,
    retry: { attempts: 1, backoffMs: 0, maxBackoffMs: 0 },
  });
});

afterAll(async () => {
  await sink?.close();
  await db?.$disconnect();
  await ch?.close();
  await iso?.cleanup();
});

describe('live alerting', () => {
  it('sends one grouped notification for two rules of one outage, then one resolved notification', async () => {
    // web and ios send until F + 30 s, then stop; with a 1-minute window both read 0 from F + 90 s.
    await metrics([
      ...receivedEvery5s('web', F - 5 * 60 * S, F + 30 * S),
      ...receivedEvery5s('ios', F - 5 * 60 * S, F + 30 * S),
    ]);
    await createAlertRule(db, silenceRule('silent-web', 'web', 'page'), { actor: 'test' });
    await createAlertRule(db, silenceRule('silent-ios', 'ios', 'page'), { actor: 'test' });

    await runUntil(F + 200 * S);
    const firing = received().filter((p) => p.status === 'firing');
    expect(firing).toHaveLength(1);
    expect(firing[0]!.groupLabels).toEqual({ severity: 'page' });
    expect(firing[0]!.firing.map((a) => a.rule).sort()).toEqual(['silent-ios', 'silent-web']);
    expect(firing[0]!.reason).toBe('first');

    // When each went firing (its pending period ended), and when the notification fell due.
    const history = await listAlertHistory(db, { limit: 1000 });
    const firedAt = history
      .filter((h) => h.kind === 'state_change' && h.toState === 'firing')
      .map((h) => Date.parse(h.at));
    expect(firedAt).toHaveLength(2);
    const dueAt = Date.parse(firing[0]!.sentAt);
    // Due group_wait after the first alert of the group fired; the second joined before that.
    expect(dueAt - Math.min(...firedAt)).toBe(10 * S);
    expect(Math.max(...firedAt)).toBeLessThan(dueAt);
    console.log(
      `grouped notification due ${(dueAt - Math.max(...firedAt)) / S} s after the second pending period ended` +
        ` (${(dueAt - Math.min(...firedAt)) / S} s after the first; group_wait 10 s)`,
    );

    // Both sources send again: both instances clear and one resolved notification says so.
    await metrics([
      ...receivedEvery5s('web', F + 200 * S, F + 600 * S),
      ...receivedEvery5s('ios', F + 200 * S, F + 600 * S),
    ]);
    await runUntil(F + 260 * S);
    const resolved = received().filter((p) => p.status === 'resolved');
    expect(resolved).toHaveLength(1);
    expect(resolved[0]!.resolved.map((a) => a.rule).sort()).toEqual(['silent-ios', 'silent-web']);
    expect(received().filter((p) => p.status === 'firing')).toHaveLength(1);

    const sent = (await listAlertHistory(db, { limit: 1000 })).filter((h) => h.kind === 'notification');
    expect(sent.map((h) => h.outcome)).toEqual(['sent', 'sent']);
    // Per-rule history finds the grouped notifications of each rule.
    expect(
      (await listAlertHistory(db, { ruleName: 'silent-web' })).filter((h) => h.kind === 'notification'),
    ).toHaveLength(2);
  });

  it('holds back a queued notification once a silence for it is saved, and records it as silenced', async () => {
    // android never sent anything: it fires after its pending period; evaluate without delivering.
    await createAlertRule(db, silenceRule('silent-android', 'android', 'low'), { actor: 'test' });
    const start = now;
    let queued = 0;
    while (queued === 0 && now < start + 120 * S) {
      await runUntil(now + S, S, false);
      queued = (await listAlertHistory(db, { ruleName: 'silent-android' })).filter(
        (h) => h.kind === 'notification' && h.outcome === 'queued',
      ).length;
    }
    expect(queued).toBe(1);
    const silence = await createAlertSilence(
      db,
      {
        matchers: [{ name: 'alertname', op: '=', value: 'silent-android' }],
        startsAt: Date.now(),
        end: { kind: 'at', endsAt: Date.now() + 3600 * S },
        comment: 'android app release, known gap',
      },
      { actor: 'oncall@example.com' },
    );
    const before = received().length;
    // The next delivery run (the jobs service runs one every ALERT_TICK_MS, 500 ms) honours it.
    const [report] = await deliverer.deliver(never);
    expect(report?.outcome).toBe('silenced');
    expect(received().length).toBe(before);
    const [row] = (await listAlertHistory(db, { ruleName: 'silent-android' })).filter(
      (h) => h.kind === 'notification',
    );
    expect(row).toMatchObject({ outcome: 'silenced', silenced: true });
    expect((row!.detail as { by: string[] }).by).toEqual([silence.id]);
    // Later flushes of the silenced group are recorded as silenced too, never sent.
    await runUntil(now + 60 * S);
    expect(received().length).toBe(before);
  });

  it('fires once for a value oscillating around the threshold but above the recovery threshold', async () => {
    // Rejects per minute: 12, 8, 12, 8, … — above 10 fires; 8 is above the recovery threshold 5.
    const t0 = Math.ceil(now / 60_000) * 60_000 + 60_000;
    const rows = [];
    for (let m = 0; m < 8; m++)
      rows.push(metric(t0 + m * 60 * S + 5 * S, 'source:web:rejected', m % 2 === 0 ? 12 : 8));
    await metrics(rows);
    const rejectsRule = (name: string, severity: string, recovery?: number) => ({
      name,
      title: `web rejects (${name})`,
      query: { kind: 'signal', signal: { kind: 'ingest_rejects', sources: ['web'] } },
      condition: {
        kind: 'threshold',
        op: 'above',
        threshold: 10,
        ...(recovery === undefined ? {} : { recovery }),
      },
      intervalSeconds: 60,
      windowSeconds: 60,
      labels: { severity },
    });
    await createAlertRule(db, rejectsRule('web-rejects', 'ticket', 5), { actor: 'test' });
    // The same data without a recovery threshold, for contrast: it flaps.
    await createAlertRule(db, rejectsRule('web-rejects-plain', 'plain'), { actor: 'test' });
    await runUntil(t0 + 8 * 60 * S, 5 * S);

    const transitions = async (rule: string) =>
      (await listAlertHistory(db, { ruleName: rule }))
        .filter((h) => h.kind === 'state_change')
        .reverse()
        .map((c) => `${c.fromState}→${c.toState}`);
    expect(await transitions('web-rejects')).toEqual(['normal→firing']);
    const notified = received().filter((p) => p.groupLabels.severity === 'ticket');
    expect(notified).toHaveLength(1);
    expect(notified[0]!.firing[0]!.condition.recovery).toBe(5);

    const plain = await transitions('web-rejects-plain');
    expect(plain.filter((t) => t === 'normal→firing').length).toBeGreaterThanOrEqual(3);
  });
});
