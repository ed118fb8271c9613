import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '@tributary/clickhouse';
import { encodeEventsMessage, topicNames, type Envelope } from '@tributary/contracts';
import { createProducer, type Producer } from '@tributary/kafka';
import { eventually, isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';
import { parseEnv } from './env.ts';
import { createWorkerService, type WorkerService } from './service.ts';
import { Redis } from 'ioredis';
import { createDedupe } from './dedupe.ts';
import { toEventRow } from './rows.ts';

let iso: Isolated;
let service: WorkerService;
let producer: Producer;
let ch: ReturnType<typeof createClickHouse>;

function envelope(event_id: string, data: Record<string, unknown> = {}): Envelope {
  const now = new Date().toISOString();
  return {
    event_id,
    event_type: 'it_event',
    timestamp: now,
    user_id: 'u1',
    data,
    metadata: {},
    schema_version: null,
    source: 'demo',
    write_key_id: 'k1',
    received_at: now,
  };
}

async function rows(sql: string): Promise<Array<Record<string, unknown>>> {
  const rs = await ch.query({ query: sql, format: 'JSONEachRow' });
  return rs.json();
}

beforeAll(async () => {
  iso = await isolate();
  ch = createClickHouse({ url: iso.clickhouseUrl, database: iso.clickhouseDatabase });
  producer = createProducer({ brokers: iso.brokers.split(','), clientId: 'it-producer' });
  service = createWorkerService(
    parseEnv({
      KAFKA_BROKERS: iso.brokers,
      TOPIC_PREFIX: iso.topicPrefix,
      CONSUMER_GROUP: `it-${iso.id}`,
      CLICKHOUSE_URL: iso.clickhouseUrl,
      CLICKHOUSE_DATABASE: iso.clickhouseDatabase,
      REDIS_URL: iso.redisUrl,
      REDIS_PREFIX: iso.redisPrefix,
      DATABASE_URL: iso.databaseUrl,
      OPS_PORT: '0',
      WORKER_MAX_WAIT_MS: '50',
      LOG_LEVEL: 'silent',
    }),
  );
  await service.start();
});
afterAll(async () => {
  await service?.stop();
  await producer?.close();
  await ch?.close();
  await iso?.cleanup();
});

describe('workers against real Kafka, Redis and ClickHouse', () => {
  it('inserts each event once, dropping redeliveries and client retries', async () => {
    const topic = topicNames(iso.topicPrefix).events;
    const send = (ids: string[]) =>
      producer.send(
        topic,
        ids.map((id) => ({ key: id, value: JSON.stringify(envelope(id, { nested: { n: 1 } })) })),
      );
    await send(['a', 'b', 'a']);
    await eventually(async () => Number((await rows('SELECT count() AS n FROM events'))[0]!.n) >= 2);
    // A client retry of 'b' arrives later, in another batch.
    await send(['b', 'c']);
    await eventually(async () => Number((await rows('SELECT count() AS n FROM events'))[0]!.n) >= 3);
    // A packed message (as ingest sends) holding a copy of 'c', a new event and a broken one.
    await producer.send(topic, [
      {
        value: encodeEventsMessage([
          JSON.stringify(envelope('c')),
          JSON.stringify(envelope('d')),
          JSON.stringify({ event_id: 'broken-in-pack' }),
        ]),
      },
    ]);
    await send(['marker']);
    await eventually(async () => (await rows(`SELECT 1 FROM events WHERE event_id = 'marker'`)).length === 1);
    const all = await rows(
      'SELECT event_id, data.nested.n AS n, processed_at >= received_at AS ordered FROM events ORDER BY event_id',
    );
    expect(all.map((r) => r.event_id)).toEqual(['a', 'b', 'c', 'd', 'marker']);
    const broken = await eventually(async () => {
      const r = await rows(
        `SELECT code, payload, details FROM dead_letters WHERE event_id = 'broken-in-pack'`,
      );
      return r.length > 0 ? r : null;
    });
    expect(broken[0]).toMatchObject({ code: 'invalid_envelope', payload: '{"event_id":"broken-in-pack"}' });
    expect(JSON.parse(String(broken[0]!.details))).toEqual({ index_in_message: 2 });
    expect(all[0]).toMatchObject({ n: 1, ordered: 1 });
  });

  it('keeps the same event_id from two sources apart; a resend from one source stays one row', async () => {
    const topic = topicNames(iso.topicPrefix).events;
    const from = (source: string, n: number): Envelope => ({ ...envelope('shared-id', { n }), source });
    // One batch holding both sources' events: in-batch dedupe must not fold them.
    await producer.send(topic, [
      {
        key: 'shared-id',
        value: encodeEventsMessage([JSON.stringify(from('web', 1)), JSON.stringify(from('app', 2))]),
      },
    ]);
    await eventually(
      async () =>
        Number((await rows(`SELECT count() AS n FROM events WHERE event_id = 'shared-id'`))[0]!.n) === 2,
    );
    // Resends: web's through the Redis marks, app's as a replay (checked against ClickHouse).
    const replay = {
      replay_id: 'r1',
      dead_letter_id: 'dl1',
      attempts: 1,
      first_failed_at: new Date().toISOString(),
    };
    await producer.send(topic, [
      { key: 'shared-id', value: JSON.stringify(from('web', 1)) },
      { key: 'shared-id', value: JSON.stringify({ ...from('app', 2), replay }) },
      { key: 'shared-id', value: JSON.stringify(from('mobile', 3)) },
    ]);
    await eventually(
      async () =>
        (await rows(`SELECT 1 FROM events WHERE event_id = 'shared-id' AND source = 'mobile'`)).length === 1,
    );
    expect(
      await rows(`SELECT source, data.n AS n FROM events WHERE event_id = 'shared-id' ORDER BY source`),
    ).toEqual([
      { source: 'app', n: 2 },
      { source: 'mobile', n: 3 },
      { source: 'web', n: 1 },
    ]);
  });

  it('dead-letters messages that are not valid envelopes, with the original payload and origin', async () => {
    const topic = topicNames(iso.topicPrefix).events;
    await producer.send(topic, [{ key: 'junk', value: '{"not":"an envelope"}' }]);
    const dead = await eventually(async () => {
      const r = await rows(
        `SELECT stage, code, payload, origin_topic, origin_offset FROM dead_letters WHERE event_id = 'junk'`,
      );
      return r.length > 0 ? r : null;
    });
    expect(dead[0]).toMatchObject({
      stage: 'worker',
      code: 'invalid_envelope',
      payload: '{"not":"an envelope"}',
      origin_topic: topic,
    });
  });

  it('recovers a batch whose insert landed but was never marked (crash between insert and mark)', async () => {
    const topic = topicNames(iso.topicPrefix).events;
    // The previous owner of partition 0 inserted 'pre-crash' and died before marking it.
    await ch.insert({
      table: 'events',
      values: [toEventRow(envelope('pre-crash'), new Date())],
      format: 'JSONEachRow',
    });
    const redis = new Redis(iso.redisUrl);
    await createDedupe(redis, iso.redisPrefix, 3600).writeIntent(topic, 0, '0', '999999');
    await producer.send(topic, [
      {
        partition: 0,
        value: encodeEventsMessage([
          JSON.stringify(envelope('pre-crash')),
          JSON.stringify(envelope('post-crash')),
        ]),
      },
    ]);
    await eventually(
      async () => (await rows(`SELECT 1 FROM events WHERE event_id = 'post-crash'`)).length === 1,
    );
    expect(await rows(`SELECT count() AS n FROM events WHERE event_id = 'pre-crash'`)).toEqual([{ n: 1 }]);
    // The interrupted range reaches far past what was delivered: its intent stays, so the batches
    // that bring the rest of it are checked against ClickHouse too.
    const dedupe = createDedupe(redis, iso.redisPrefix, 3600);
    expect(await dedupe.readIntent(topic, 0)).toEqual({ first: 0n, last: 999999n });
    await dedupe.clearIntent(topic, 0);
    redis.disconnect();
  });

  it('reports health from its consumer loops', () => {
    const h = service.health();
    expect(h.ok).toBe(true);
  });
});
