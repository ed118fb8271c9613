import { randomUUID } from 'node:crypto';
import { topicNames, type DlqReplay, type DlqReplayInput } from '@tributary/contracts';
import { createDb, type Db } from '@tributary/db';
import { getReplay, queueReplay, type ReplayQueueDeps } from '@tributary/dlq';
import { createProducer, type Producer } from '@tributary/kafka';
import { publishSubject, registerVersion } from '@tributary/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../scripts/test-infra/fixtures.ts';
import { deleteRedisPrefix } from '../../scripts/lib/local-services.ts';
import { startTestStack, type TestStack } from '../../scripts/lib/test-stack.ts';

/**
 * Replays through the whole running pipeline (ingest, Kafka, workers, ClickHouse): events that
 * failed their schema are replayed after the fix — twice at once, then once more — and land
 * exactly once, in the events table and in the per-minute aggregate. The replays are queued as
 * the console queues them and run by the stack's jobs service.
 */
let t: TestStack;
let db: Db;
let producer: Producer;
let deps: ReplayQueueDeps;
const subject = `replay_${randomUUID().slice(0, 8)}`;
const N = 2_000;

beforeAll(async () => {
  // Ingest starts after the subject exists, so it holds the rule from its first request: a
  // probe accepted before a live update arrived would be one event too many below.
  t = await startTestStack(['workers']);
  db = createDb(t.config.databaseUrl);
  producer = createProducer({ brokers: t.stack.brokers.split(','), clientId: 'replay-it', ...t.kafkaAdmin });
  const topics = topicNames(t.config.topicPrefix);
  deps = { target: { client: t.clickhouse, database: t.config.clickhouseDatabase }, db };
  await registerVersion(
    db,
    subject,
    { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } },
    { actor: 'test' },
  );
  await publishSubject(producer, topics.control, db, subject);
  await Promise.all([t.stack.startApp('ingest'), t.stack.startApp('jobs')]);
});

/** Queues a replay (the console's part) and waits until the jobs service ran it to its end. */
async function replay(input: DlqReplayInput, actor: string): Promise<DlqReplay> {
  const queued = await queueReplay(deps, input, actor);
  return eventually(async () => {
    const r = await getReplay(db, queued.id);
    return r.state === 'running' ? null : r;
  }, 120_000);
}

afterAll(async () => {
  await producer?.close();
  await db?.$disconnect();
  await t?.stop();
});

async function scalar(sql: string): Promise<number> {
  const rs = await t.clickhouse.query({ query: sql, query_params: { type: subject }, format: 'JSONEachRow' });
  const [row] = await rs.json<{ n: string }>();
  return Number(row?.n ?? 0);
}

const aggregated = () =>
  scalar(`SELECT sum(events) AS n FROM events_per_minute WHERE event_type = {type:String}`);

describe('replaying dead letters through the running pipeline', () => {
  it('lands every replayed event exactly once, however often and from however many tabs', async () => {
    // Half the events name their id, half leave it to ingest: both must replay idempotently.
    const events = Array.from({ length: N }, (_, i) => ({
      ...(i % 2 === 0 ? { event_id: `replay-${subject}-${i}` } : {}),
      event_type: subject,
      data: { amount: `${i}` },
    }));
    const enforced = await eventually(async () => {
      const res = await fetch(`${t.stack.ingestUrl}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.stack.writeKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(events.slice(0, 1)),
      });
      const body = (await res.json()) as { results: Array<{ status: string }> };
      // Until ingest applied the subject, the probe is accepted (and would be an extra event).
      return body.results[0]?.status === 'rejected';
    });
    expect(enforced).toBe(true);
    for (let i = 1; i < N; i += 500) {
      const res = await fetch(`${t.stack.ingestUrl}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.stack.writeKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(events.slice(i, i + 500)),
      });
      expect(res.status).toBeLessThan(300);
    }
    const stored = () =>
      scalar(
        `SELECT uniqExact(id) AS n FROM dead_letters WHERE event_type = {type:String} AND code = 'schema_violation'`,
      );
    await eventually(async () => (await stored()) >= N, 60_000);
    expect(await stored()).toBe(N);
    expect(await t.count(`event_type = '${subject}'`)).toEqual({ rows: 0, distinct: 0 });

    await registerVersion(
      db,
      subject,
      { type: 'object', required: ['amount'], properties: { amount: { type: ['number', 'string'] } } },
      { actor: 'test' },
    );

    const selection = { kind: 'filter' as const, filter: { eventType: subject, status: 'pending' as const } };
    const [doneA, doneB] = await Promise.all([
      replay({ selection, rate: 20_000 }, 'tab-1'),
      replay({ selection, rate: 20_000 }, 'tab-2'),
    ]);
    console.log(`two concurrent replays: ${doneA.sent} + ${doneB.sent} events sent`);
    expect(doneA).toMatchObject({ state: 'completed', failedAgain: 0 });
    expect(doneB).toMatchObject({ state: 'completed', failedAgain: 0 });
    expect(doneA.sent).toBe(N);

    await eventually(async () => (await t.count(`event_type = '${subject}'`)).rows >= N, 90_000);
    await t.drained();
    expect(await t.count(`event_type = '${subject}'`)).toEqual({ rows: N, distinct: N });
    expect(await aggregated()).toBe(N);

    // Again, everything replayed so far, after Redis lost every dedupe mark (a restart without
    // persistence): still one row per event, in the table and in the aggregate.
    await deleteRedisPrefix(t.config.redisUrl, t.config.redisPrefix);
    const again = await replay(
      { selection: { kind: 'filter', filter: { eventType: subject, status: 'replayed' } }, rate: 20_000 },
      'tab-3',
    );
    expect(again).toMatchObject({ state: 'completed', sent: N });
    expect((await getReplay(db, again.id)).sent).toBe(N);
    await t.drained();
    expect(await t.count(`event_type = '${subject}'`)).toEqual({ rows: N, distinct: N });
    expect(await aggregated()).toBe(N);
    // And nothing new failed on the way.
    expect(await stored()).toBe(N);
  });
});
