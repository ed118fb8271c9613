import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createClickHouse } from '@tributary/clickhouse';
import { topicNames } from '@tributary/contracts';
import { createProducer, type Producer } from '@tributary/kafka';
import { eventually, isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';
import { createDedupe } from './dedupe.ts';
import { parseEnv } from './env.ts';
import { toEventRow } from './rows.ts';
import { createWorkerService, type WorkerService } from './service.ts';
import { testEnvelope } from './testing/processor-publisher.ts';

// A crashed worker had inserted a batch of 6 messages (offsets 0-5 of partition 0) and died
// before marking it. Its successor fetches 2 messages at a time: the first redelivered batch is
// shorter than the interrupted one, and the batches after it must still be checked.
let iso: Isolated;
let producer: Producer;
let worker: WorkerService | undefined;
let ch: ReturnType<typeof createClickHouse>;

beforeAll(async () => {
  iso = await isolate();
  ch = createClickHouse({ url: iso.clickhouseUrl, database: iso.clickhouseDatabase });
  producer = createProducer({ brokers: iso.brokers.split(','), clientId: 'it-shorter-producer' });
});
afterAll(async () => {
  await worker?.stop();
  await producer?.close();
  await ch?.close();
  await iso?.cleanup();
});

async function countOf(sql: string): Promise<number> {
  const rs = await ch.query({ query: sql, format: 'JSONEachRow' });
  return Number((await rs.json<{ n: string | number }>())[0]!.n);
}

describe('a redelivery shorter than the interrupted batch (real Kafka, ClickHouse, Redis)', () => {
  it('stores each event of the interrupted range once', async () => {
    const topic = topicNames(iso.topicPrefix).events;
    const envelopes = Array.from({ length: 6 }, (_, i) => testEnvelope(`s-${i}`, 'shorter_it', { i }));
    // One message per event, in order, on partition 0: offsets 0-5 of a fresh topic.
    for (const e of envelopes)
      await producer.send(topic, [{ partition: 0, key: e.event_id, value: JSON.stringify(e) }]);
    // What the crashed worker left: every row inserted, nothing marked, the intent in place.
    await ch.insert({
      table: 'events',
      values: envelopes.map((e) => toEventRow(e, new Date())),
      format: 'JSONEachRow',
    });
    const redis = new Redis(iso.redisUrl);
    const dedupe = createDedupe(redis, iso.redisPrefix, 3600);
    await dedupe.writeIntent(topic, 0, '0', '5');
    // Redis has held every mark for longer than the window: only the intent can send the worker
    // to ClickHouse (not the check that follows a Redis that forgot its marks).
    await dedupe.initMemorySince(Date.now() - 48 * 3600 * 1000);

    worker = createWorkerService(
      parseEnv({
        KAFKA_BROKERS: iso.brokers,
        TOPIC_PREFIX: iso.topicPrefix,
        CONSUMER_GROUP: `it-${iso.id}`,
        CLICKHOUSE_URL: iso.clickhouseUrl,
        CLICKHOUSE_DATABASE: iso.clickhouseDatabase,
        REDIS_URL: iso.redisUrl,
        REDIS_PREFIX: iso.redisPrefix,
        DATABASE_URL: iso.databaseUrl,
        PROCESSORS_RELOAD_INTERVAL_MS: '0',
        WORKER_MAX_BATCH: '2',
        WORKER_MAX_WAIT_MS: '50',
        OPS_PORT: '0',
        LOG_LEVEL: 'silent',
      }),
    );
    await worker.start();
    const marker = testEnvelope('s-marker', 'shorter_it', {});
    await producer.send(topic, [{ partition: 0, key: marker.event_id, value: JSON.stringify(marker) }]);
    await eventually(
      async () => (await countOf(`SELECT count() AS n FROM events WHERE event_id = 's-marker'`)) === 1,
    );
    expect(await countOf(`SELECT count() AS n FROM events WHERE event_type = 'shorter_it'`)).toBe(7);
    // The range is finished: its intent is gone.
    expect(await dedupe.readIntent(topic, 0)).toBeNull();
    redis.disconnect();
  });
});
