import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '@tributary/clickhouse';
import { topicNames, type ProcessorDefinitionInput } from '@tributary/contracts';
import { createProducer, type Producer } from '@tributary/kafka';
import { eventually, isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';
import { parseEnv } from './env.ts';
import { createWorkerService, type WorkerService } from './service.ts';
import { createPublisher, TEST_PII_SECRET, testEnvelope } from './testing/processor-publisher.ts';

// Processors published in Postgres reach a running worker through the control topic only
// (no periodic reload): each switch below is the hint's doing.
let iso: Isolated;
let worker: WorkerService;
let producer: Producer;
let publisher: ReturnType<typeof createPublisher>;
let ch: ReturnType<typeof createClickHouse>;
const INSTANCE = 'it-worker-1';

async function rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  const rs = await ch.query({ query: sql, format: 'JSONEachRow' });
  return rs.json<T>();
}
async function countOf(sql: string): Promise<number> {
  return Number((await rows<{ n: number | string }>(sql))[0]!.n);
}

async function send(type: string, prefix: string, n: number) {
  const topic = topicNames(iso.topicPrefix).events;
  await producer.send(
    topic,
    Array.from({ length: n }, (_, i) => {
      const id = `${prefix}-${i + 1}`;
      return {
        key: id,
        value: JSON.stringify(testEnvelope(id, type, { n: i + 1, plan: i % 2 ? 'pro' : 'free' })),
      };
    }),
  );
}

/** Waits until the worker's acknowledgement shows `version` of `name` (null: not running it). */
async function acknowledged(name: string, version: number | null) {
  await eventually(async () => {
    const r = await publisher.running(INSTANCE);
    return r !== null && (r.processors[name]?.version ?? null) === version;
  }, 30_000);
}

function plansDefinition(min: number): ProcessorDefinitionInput {
  return {
    inputs: { eventTypes: ['proc_it'] },
    steps: [{ id: 'enough', kind: 'filter', expression: `data.n > ${min}` }],
    output: {
      kind: 'table',
      table: 'plans',
      columns: [{ name: 'plan', field: 'data.plan', type: 'String' }],
    },
  };
}

beforeAll(async () => {
  iso = await isolate();
  ch = createClickHouse({ url: iso.clickhouseUrl, database: iso.clickhouseDatabase });
  producer = createProducer({ brokers: iso.brokers.split(','), clientId: 'it-processors-producer' });
  publisher = createPublisher(iso, producer);
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
      PII_HASH_SECRET: TEST_PII_SECRET,
      PROCESSORS_RELOAD_INTERVAL_MS: '0',
      WORKER_INSTANCE: INSTANCE,
      OPS_PORT: '0',
      WORKER_MAX_WAIT_MS: '50',
      LOG_LEVEL: 'silent',
    }),
  );
  await worker.start();
});
afterAll(async () => {
  await worker?.stop();
  await publisher?.close();
  await producer?.close();
  await ch?.close();
  await iso?.cleanup();
});

describe('processors in the workers (real Kafka, ClickHouse, Postgres, Redis)', () => {
  it('acknowledges an empty set at start', async () => {
    await eventually(async () => (await publisher.running(INSTANCE)) !== null);
    expect((await publisher.running(INSTANCE))!.processors).toEqual({});
  });

  it('switches to a published version on its hint, then to v2, and stops on pause', async () => {
    await publisher.create('plans');
    const v1 = await publisher.publish('plans', plansDefinition(0));
    await acknowledged('plans', v1);
    await send('proc_it', 'a', 10);
    await eventually(async () => (await countOf('SELECT count() AS n FROM proc_plans')) === 10);
    expect(await rows('SELECT DISTINCT processor_version AS v FROM proc_plans')).toEqual([{ v: v1 }]);
    expect(await countOf(`SELECT count() AS n FROM proc_plans WHERE plan = 'pro'`)).toBe(5);

    const v2 = await publisher.publish('plans', plansDefinition(5));
    await acknowledged('plans', v2);
    await send('proc_it', 'b', 10);
    await eventually(
      async () =>
        (await countOf(`SELECT count() AS n FROM proc_plans WHERE processor_version = ${v2}`)) === 5,
    );
    expect(
      await rows(`SELECT event_id FROM proc_plans WHERE processor_version = ${v2} ORDER BY event_id`),
    ).toEqual(['b-10', 'b-6', 'b-7', 'b-8', 'b-9'].map((event_id) => ({ event_id })));

    await publisher.pause('plans');
    await acknowledged('plans', null);
    await send('proc_it', 'c', 10);
    await eventually(
      async () => (await countOf(`SELECT count() AS n FROM events WHERE event_id LIKE 'c-%'`)) === 10,
    );
    expect(await countOf('SELECT count() AS n FROM proc_plans')).toBe(15);
  });

  it("stores an events-output processor's derived fields and version on the events rows", async () => {
    await publisher.create('tagged');
    const v = await publisher.publish('tagged', {
      inputs: { eventTypes: ['proc_tagged'] },
      steps: [
        {
          id: 'mark',
          kind: 'transform',
          ops: [{ op: 'set', field: 'derived.double', expression: 'data.n * 2' }],
        },
      ],
      output: { kind: 'events' },
    });
    await acknowledged('tagged', v);
    await send('proc_tagged', 't', 3);
    await eventually(
      async () => (await countOf(`SELECT count() AS n FROM events WHERE event_type = 'proc_tagged'`)) === 3,
    );
    expect(
      await rows(
        `SELECT event_id, processor, processor_version AS v, toString(derived.double) AS d
         FROM events WHERE event_type = 'proc_tagged' ORDER BY event_id`,
      ),
    ).toEqual([
      { event_id: 't-1', processor: 'tagged', v, d: '2' },
      { event_id: 't-2', processor: 'tagged', v, d: '4' },
      { event_id: 't-3', processor: 'tagged', v, d: '6' },
    ]);
  });
});
