import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '@tributary/clickhouse';
import { topicNames, type Envelope } from '@tributary/contracts';
import { createAdmin, createProducer, type Admin, type Producer } from '@tributary/kafka';
import { eventually, isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';
import { freePort } from '../../../scripts/lib/ports.ts';
import { parseEnv } from './env.ts';
import { createWorkerService, type WorkerService } from './service.ts';
import { startCuttableProxy, type CuttableProxy } from './testing/cuttable-proxy.ts';

// Kafka's smallest allowed session timeout: the ClickHouse outage below outlasts it several times.
const SESSION_MS = 6000;

let iso: Isolated;
let ch: ReturnType<typeof createClickHouse>;
let chProxy: CuttableProxy;
let redisProxy: CuttableProxy;
let producer: Producer;
let admin: Admin;
let worker: WorkerService;
let opsPort: number;
const extra: WorkerService[] = [];

function envelope(event_id: string, event_type: string): Envelope {
  const now = new Date().toISOString();
  return {
    event_id,
    event_type,
    timestamp: now,
    user_id: 'u1',
    data: { n: 1 },
    metadata: {},
    schema_version: null,
    source: 'demo',
    write_key_id: 'k1',
    received_at: now,
  };
}

async function send(type: string, n: number, from = 0): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `${type}-${from + i}`);
  const topic = topicNames(iso.topicPrefix).events;
  for (let i = 0; i < ids.length; i += 50) {
    await producer.send(
      topic,
      ids.slice(i, i + 50).map((id) => ({ key: id, value: JSON.stringify(envelope(id, type)) })),
    );
  }
  return ids;
}

async function one<T>(query: string): Promise<T> {
  const rs = await ch.query({ query, format: 'JSONEachRow' });
  return (await rs.json<T>())[0]!;
}

/** Rows, distinct ids, and the sum the per-minute view got: a double insert shows in the last. */
async function counts(type: string) {
  const e = await one<{ n: number; u: number }>(
    `SELECT count() AS n, uniqExact(event_id) AS u FROM events WHERE event_type = '${type}'`,
  );
  const m = await one<{ n: number }>(
    `SELECT sum(events) AS n FROM events_per_minute WHERE event_type = '${type}'`,
  );
  const d = await one<{ n: number }>(`SELECT count() AS n FROM dead_letters WHERE event_type = '${type}'`);
  return { rows: Number(e.n), distinct: Number(e.u), perMinute: Number(m.n), deadLetters: Number(d.n) };
}

/** Polls until every event of `type` is stored and the group has committed everything. */
async function allStored(type: string, n: number) {
  await eventually(async () => (await counts(type)).distinct >= n, 120_000);
  const topic = topicNames(iso.topicPrefix).events;
  await eventually(async () => (await admin.consumerLag(`it-${iso.id}`, topic)) === 0, 60_000);
  return counts(type);
}

function workerEnv(port: number) {
  return parseEnv({
    KAFKA_BROKERS: iso.brokers,
    TOPIC_PREFIX: iso.topicPrefix,
    CONSUMER_GROUP: `it-${iso.id}`,
    CLICKHOUSE_URL: `http://${chProxy.address}`,
    CLICKHOUSE_DATABASE: iso.clickhouseDatabase,
    REDIS_URL: `redis://${redisProxy.address}`,
    REDIS_PREFIX: iso.redisPrefix,
    DATABASE_URL: iso.databaseUrl,
    KAFKA_SESSION_TIMEOUT_MS: String(SESSION_MS),
    OPS_PORT: String(port),
    WORKER_MAX_WAIT_MS: '50',
    WORKER_MAX_BATCH: '50',
    LOG_LEVEL: 'silent',
  });
}

async function probe(path: '/healthz' | '/readyz', port = opsPort) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function restarts(w: WorkerService): number {
  const consumers = w.health().details.consumers as Record<string, { restarts: number }>;
  return consumers.events!.restarts;
}

beforeAll(async () => {
  iso = await isolate();
  ch = createClickHouse({ url: iso.clickhouseUrl, database: iso.clickhouseDatabase });
  const chUrl = new URL(iso.clickhouseUrl);
  const redisUrl = new URL(iso.redisUrl);
  chProxy = await startCuttableProxy({ host: chUrl.hostname, port: Number(chUrl.port) });
  redisProxy = await startCuttableProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
  producer = createProducer({ brokers: iso.brokers.split(','), clientId: 'it-resilience-producer' });
  admin = createAdmin({ brokers: iso.brokers.split(','), clientId: 'it-resilience-admin' });
  opsPort = await freePort();
  worker = createWorkerService(workerEnv(opsPort));
  await worker.start();
  await eventually(async () => (await probe('/readyz')).status === 200, 60_000);
});

afterAll(async () => {
  await Promise.allSettled(extra.map((w) => w.stop()));
  await worker?.stop();
  await producer?.close();
  await admin?.close();
  await chProxy?.close();
  await redisProxy?.close();
  await ch?.close();
  await iso?.cleanup();
});

describe('workers survive their dependencies (real Kafka, ClickHouse, Redis)', () => {
  it('rides out a ClickHouse outage longer than the session timeout, with a rebalance in it, and stores everything once', async () => {
    const type = 'ch_long_outage';
    const before = await send(type, 200);
    await eventually(async () => (await counts(type)).distinct === before.length);

    const cutAt = Date.now();
    chProxy.cut();
    const during = await send(type, 300, before.length);

    // While ClickHouse is away: alive (200) but degraded, and not ready, naming ClickHouse.
    const health = await eventually(async () => {
      const h = await probe('/healthz');
      return h.status === 200 && h.body.status === 'degraded' ? h : null;
    });
    expect(health.body.summary).toContain('degraded: clickhouse unavailable');
    const ready = await eventually(async () => {
      const r = await probe('/readyz');
      return r.status === 503 ? r : null;
    });
    expect(ready.body).toMatchObject({ status: 'not ready', checks: { clickhouse: false, redis: true } });
    expect(ready.body.down).toContain('clickhouse');

    // A second member joins while the first is stuck retrying inserts: partitions move, the
    // first gives up the batches it no longer owns, the second recovers them.
    const second = createWorkerService(workerEnv(await freePort()));
    extra.push(second);
    await second.start();
    await eventually(async () => {
      const c = second.health().details.consumers as Record<string, { state: string; partitions: number }>;
      return c.events!.state === 'joined' && c.events!.partitions > 0;
    });

    // NOTE: the outage has a length (several session timeouts); this wait is the fault, not an assertion.
    await new Promise((r) => setTimeout(r, Math.max(0, cutAt + 3 * SESSION_MS - Date.now())));
    expect(worker.health().ok).toBe(true);
    expect((await probe('/healthz')).status).toBe(200);
    chProxy.restore();

    const stored = await allStored(type, before.length + during.length);
    expect(stored).toEqual({ rows: 500, distinct: 500, perMinute: 500, deadLetters: 0 });
    await eventually(async () => (await probe('/readyz')).status === 200);
    expect((await probe('/healthz')).body.status).toBe('ok');
    await second.stop();
    extra.splice(extra.indexOf(second), 1);
  });

  it('rebuilds its Kafka consumers after a client fault (batches in flight abandoned) and stores everything once', async () => {
    const type = 'kafka_fault';
    const restartsBefore = restarts(worker);
    // Batches are in flight (stuck on ClickHouse) when the fault comes.
    chProxy.cut();
    const ids = await send(type, 200);
    await eventually(async () => worker.health().details.status === 'degraded');

    // What the process-level handler does on an error thrown inside the Kafka client.
    worker.restartKafka('test: forced client fault');
    await eventually(async () => restarts(worker) > restartsBefore);
    chProxy.restore();
    await eventually(async () => (await probe('/readyz')).status === 200, 60_000);

    const more = await send(type, 100, ids.length);
    expect(await allStored(type, ids.length + more.length)).toEqual({
      rows: 300,
      distinct: 300,
      perMinute: 300,
      deadLetters: 0,
    });
  });

  it('reports Redis down in /readyz while it is away and catches up once it is back', async () => {
    const type = 'redis_outage';
    redisProxy.cut();
    const ids = await send(type, 150);
    const ready = await eventually(async () => {
      const r = await probe('/readyz');
      return r.status === 503 && (r.body.down as string[]).includes('redis') ? r : null;
    });
    expect(ready.body).toMatchObject({ checks: { redis: false, clickhouse: true } });
    // The batches wait on Redis (dedupe lookups retried), alive and saying why.
    const health = await eventually(async () => {
      const h = await probe('/healthz');
      return h.status === 200 && (h.body.reasons as string[]).includes('redis unavailable') ? h : null;
    });
    expect(health.body.status).toBe('degraded');
    redisProxy.restore();
    expect(await allStored(type, ids.length)).toEqual({
      rows: 150,
      distinct: 150,
      perMinute: 150,
      deadLetters: 0,
    });
    await eventually(async () => (await probe('/readyz')).status === 200, 60_000);
  });
});
