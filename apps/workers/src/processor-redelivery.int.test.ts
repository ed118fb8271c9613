import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '@tributary/clickhouse';
import { topicNames, type ProcessorDefinitionInput } from '@tributary/contracts';
import { createProducer, type Producer } from '@tributary/kafka';
import { eventually, isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';
import { parseEnv } from './env.ts';
import { createWorkerService, type WorkerService } from './service.ts';
import { createPublisher, TEST_PII_SECRET, testEnvelope } from './testing/processor-publisher.ts';

// A batch stopped after its processor output landed and before its events did (the worker went
// away mid-batch) is delivered again: the output must not count it twice, and it must be finished
// by the version it started with even though v2 was published in between.
let iso: Isolated;
let producer: Producer;
let publisher: ReturnType<typeof createPublisher>;
let ch: ReturnType<typeof createClickHouse>;
const workers: WorkerService[] = [];

function startWorker(instance: string): WorkerService {
  const w = createWorkerService(
    parseEnv({
      KAFKA_BROKERS: iso.brokers,
      TOPIC_PREFIX: iso.topicPrefix,
      CONSUMER_GROUP: `it-${iso.id}`,
      CLICKHOUSE_URL: iso.clickhouseUrl,
      CLICKHOUSE_DATABASE: iso.clickhouseDatabase,
      REDIS_URL: iso.redisUrl,
      REDIS_PREFIX: iso.redisPrefix,
      DATABASE_URL: iso.databaseUrl,
      PII_HASH_SECRET: TEST_PII_SECRET,
      PROCESSORS_RELOAD_INTERVAL_MS: '0',
      WORKER_INSTANCE: instance,
      OPS_PORT: '0',
      WORKER_MAX_WAIT_MS: '50',
      LOG_LEVEL: 'silent',
    }),
  );
  workers.push(w);
  return w;
}

async function rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  const rs = await ch.query({ query: sql, format: 'JSONEachRow' });
  return rs.json<T>();
}
async function countOf(sql: string): Promise<number> {
  return Number((await rows<{ n: number | string }>(sql))[0]!.n);
}

async function send(type: string, prefix: string, n: number) {
  await producer.send(
    topicNames(iso.topicPrefix).events,
    Array.from({ length: n }, (_, i) => {
      const id = `${prefix}-${i + 1}`;
      return {
        key: id,
        value: JSON.stringify(testEnvelope(id, type, { plan: i % 3 === 0 ? 'pro' : 'free' })),
      };
    }),
  );
}

function perMinute(graceSeconds: number): ProcessorDefinitionInput {
  return {
    inputs: { eventTypes: ['redeliver_it'] },
    steps: [
      {
        id: 'per_minute',
        kind: 'aggregate',
        window: { type: 'tumbling', sizeSeconds: 60 },
        graceSeconds,
        groupBy: [{ name: 'plan', field: 'data.plan' }],
        measures: [
          { name: 'n', fn: 'count' },
          { name: 'ids', fn: 'uniq', field: 'event_id' },
        ],
      },
    ],
    output: { kind: 'aggregate', table: 'redeliver' },
  };
}

beforeAll(async () => {
  iso = await isolate();
  ch = createClickHouse({ url: iso.clickhouseUrl, database: iso.clickhouseDatabase });
  producer = createProducer({ brokers: iso.brokers.split(','), clientId: 'it-redelivery-producer' });
  publisher = createPublisher(iso, producer);
});
afterAll(async () => {
  await Promise.allSettled(workers.map((w) => w.stop()));
  await publisher?.close();
  await producer?.close();
  await ch?.close();
  await iso?.cleanup();
});

describe('a redelivered batch (real Kafka, ClickHouse, Postgres, Redis)', () => {
  it('is not counted twice in an aggregate output, and is finished by the version it started with', async () => {
    await publisher.create('redeliver');
    const v1 = await publisher.publish('redeliver', perMinute(3600));
    const first = startWorker('it-redeliver-a');
    await first.start();
    await eventually(
      async () => (await publisher.running('it-redeliver-a'))?.processors.redeliver?.version === v1,
    );
    // One ordinary batch first: the worker is warm and its Redis dedupe memory initialised.
    await send('redeliver_it', 'warm', 30);
    await eventually(
      async () => (await countOf(`SELECT count() AS n FROM events WHERE event_id LIKE 'warm-%'`)) === 30,
    );

    // The events table goes away (to ClickHouse an unknown table is an outage, retried): the next
    // batches insert their processor output, then wait on the events insert.
    await ch.command({ query: 'RENAME TABLE events TO events_away' });
    await send('redeliver_it', 'cut', 200);
    const startedUnderV1 = async () =>
      countOf(`SELECT count() AS n FROM proc_redeliver_input WHERE processor_version = ${v1}`);
    // At least one batch of the cut events has its output in (it started under v1); a fetch may
    // have brought a partition's cut events in more than one batch, and a later one cannot start
    // while the first waits, so how many started is read after the worker stopped.
    await eventually(async () => (await startedUnderV1()) > 30);
    // v2 is published while those batches are stuck; then the worker goes away without committing.
    const v2 = await publisher.publish('redeliver', perMinute(7200));
    await first.stop();
    const v1Events = await startedUnderV1();
    await ch.command({ query: 'RENAME TABLE events_away TO events' });

    const second = startWorker('it-redeliver-b');
    await second.start();
    await eventually(
      async () => (await publisher.running('it-redeliver-b'))?.processors.redeliver?.version === v2,
    );
    await eventually(
      async () => (await countOf(`SELECT count() AS n FROM events WHERE event_id LIKE 'cut-%'`)) === 200,
    );
    // After the redelivered range, new events run with v2.
    await send('redeliver_it', 'after', 20);
    await eventually(
      async () => (await countOf(`SELECT count() AS n FROM events WHERE event_id LIKE 'after-%'`)) === 20,
    );
    // Everything that had not started under v1 ran with v2: the cut events never started and the 20 after.
    await eventually(
      async () =>
        (await countOf(`SELECT count() AS n FROM proc_redeliver_input WHERE processor_version = ${v2}`)) ===
        250 - v1Events,
    );

    const byVersion = await rows<{ v: number; n: string; ids: string }>(
      `SELECT processor_version AS v, toString(countMerge(n)) AS n, toString(uniqExactMerge(ids)) AS ids
       FROM proc_redeliver GROUP BY v ORDER BY v`,
    );
    // Started under v1, finished by v1, counted once; the rest by v2.
    expect(byVersion).toEqual([
      { v: v1, n: String(v1Events), ids: String(v1Events) },
      { v: v2, n: String(250 - v1Events), ids: String(250 - v1Events) },
    ]);
    const all = await rows<{ n: string; ids: string }>(
      'SELECT toString(countMerge(n)) AS n, toString(uniqExactMerge(ids)) AS ids FROM proc_redeliver',
    );
    expect(all).toEqual([{ n: '250', ids: '250' }]);
  });
});
