// Topics and consumer groups through /api/v1/topics and the console's procedures, against the run's
// real Kafka broker, Postgres, ClickHouse and Redis: what is refused (and why), what is audited,
// and the lag sampler's history under its lease.
import { createClickHouse, type QueryTarget } from '@tributary/clickhouse';
import { topicNames } from '@tributary/contracts';
import { createDb, issueApiKey, type Db } from '@tributary/db';
import { createBatchConsumer, createClusterAdmin, createProducer, type ClusterAdmin } from '@tributary/kafka';
import { TRPCError } from '@trpc/server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, isolate, type Isolated } from '../../../../../scripts/test-infra/fixtures.ts';
import type { Actor } from '../auth/actor.ts';
import { userActor } from '../auth/test-actors.ts';
import { createLagSampler } from './lag-sampler.ts';

type Handler = (req: Request, ctx?: { params: Promise<{ name: string }> }) => Promise<Response>;
let iso: Isolated;
let db: Db;
let target: QueryTarget;
let cluster: ClusterAdmin;
let redis: Redis;
let routes: { list: Handler; create: Handler; get: Handler; partitions: Handler; config: Handler };
let writerKey: string;
let readerKey: string;

beforeAll(async () => {
  iso = await isolate();
  db = createDb(iso.databaseUrl);
  target = { client: createClickHouse({ url: iso.clickhouseUrl }), database: iso.clickhouseDatabase };
  cluster = createClusterAdmin({ brokers: iso.brokers.split(','), clientId: 'it-topics' });
  redis = new Redis(iso.redisUrl);
  // NOTE: the console's env is parsed when first imported, so the routes load only after this.
  process.env.DATABASE_URL = iso.databaseUrl;
  process.env.KAFKA_BROKERS = iso.brokers;
  process.env.TOPIC_PREFIX = iso.topicPrefix;
  process.env.CLICKHOUSE_URL = iso.clickhouseUrl;
  process.env.CLICKHOUSE_DATABASE = iso.clickhouseDatabase;
  const root = await import('../../app/api/v1/topics/route.ts');
  const one = await import('../../app/api/v1/topics/[name]/route.ts');
  const partitions = await import('../../app/api/v1/topics/[name]/partitions/route.ts');
  const config = await import('../../app/api/v1/topics/[name]/config/route.ts');
  routes = {
    list: root.GET,
    create: root.POST,
    get: one.GET as Handler,
    partitions: partitions.POST as Handler,
    config: config.PATCH as Handler,
  };
  writerKey = (await issueApiKey(db, { name: 'topics-ci', scopes: ['topics:write'] })).key;
  readerKey = (await issueApiKey(db, { name: 'schemas-reader', scopes: ['schemas:read'] })).key;
}, 120_000);

afterAll(async () => {
  await (await import('./cluster.ts')).closeClusterAdmin();
  await (await import('../db.ts')).getDb().$disconnect();
  await cluster?.close();
  await db?.$disconnect();
  redis?.disconnect();
  await target?.client.close();
  await iso?.cleanup();
}, 60_000);

function call(handler: Handler, key: string, opts: { method?: string; name?: string; body?: unknown } = {}) {
  const url = `http://127.0.0.1/api/v1/topics${opts.name ? `/${encodeURIComponent(opts.name)}` : ''}`;
  const req = new Request(url, {
    method: opts.method ?? 'GET',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  return handler(req, opts.name ? { params: Promise.resolve({ name: opts.name }) } : undefined);
}

async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, ...body.error };
}

async function auditRows(entityId: string) {
  return db.auditLog.findMany({ where: { entityId }, orderBy: { at: 'asc' } });
}

async function caller(actor: Actor) {
  const { appRouter } = await import('../routers/index.ts');
  const { callerContext } = await import('../trpc.ts');
  return appRouter.createCaller(callerContext(target, actor));
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  return { code: (err as TRPCError).code, message: (err as TRPCError).message };
}

describe('/api/v1/topics', () => {
  it('creates a topic with confirmation and audits it; refuses bad names, missing confirmation and read-only keys', async () => {
    const name = `${iso.topicPrefix}orders`;
    const body = { name, partitions: 2, retentionMs: 3_600_000, cleanupPolicy: 'delete', confirm: name };

    const denied = await errorOf(await call(routes.create, readerKey, { method: 'POST', body }));
    expect(denied.status).toBe(403);
    expect(denied.message).toMatch(/lacks the topics:write scope/);

    const unconfirmed = await errorOf(
      await call(routes.create, writerKey, { method: 'POST', body: { ...body, confirm: 'orders' } }),
    );
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.message).toMatch(/"confirm" must be/);

    const outside = await errorOf(
      await call(routes.create, writerKey, {
        method: 'POST',
        body: { ...body, name: 'orders', confirm: 'orders' },
      }),
    );
    expect(outside.status).toBe(400);
    expect(outside.message).toMatch(/must start with this platform's prefix/);

    const illegal = await errorOf(
      await call(routes.create, writerKey, {
        method: 'POST',
        body: { ...body, name: `${iso.topicPrefix}a b` },
      }),
    );
    expect(illegal.status).toBe(400);
    expect(illegal.message).toMatch(/may contain only letters/);

    const res = await call(routes.create, writerKey, { method: 'POST', body });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { partitions: number; retentionMs: number; cleanupPolicy: string };
    expect(created).toMatchObject({ partitions: 2, retentionMs: 3_600_000, cleanupPolicy: 'delete' });

    const again = await errorOf(await call(routes.create, writerKey, { method: 'POST', body }));
    expect(again.status).toBe(409);

    const [row] = await auditRows(name);
    expect(row).toMatchObject({ actor: 'api_key:topics-ci', action: 'topic.create', entity: 'topic' });
    expect(row?.after).toMatchObject({ partitions: 2, configs: { 'retention.ms': '3600000' } });

    // A read-only key reads: the list holds the platform topics (marked) and the new one.
    const list = (await (await call(routes.list, readerKey)).json()) as {
      items: { name: string; platform: boolean }[];
    };
    const names = topicNames(iso.topicPrefix);
    expect(list.items.map((t) => t.name).sort()).toEqual(
      [names.control, names.deadLetters, names.events, name].sort(),
    );
    expect(list.items.find((t) => t.name === names.events)?.platform).toBe(true);
    expect(list.items.find((t) => t.name === name)?.platform).toBe(false);
  }, 60_000);

  it('only grows partitions, never on platform topics, and audits before/after', async () => {
    const name = `${iso.topicPrefix}orders`;
    const down = await errorOf(
      await call(routes.partitions, writerKey, {
        method: 'POST',
        name,
        body: { partitions: 2, confirm: name },
      }),
    );
    expect(down.status).toBe(400);
    expect(down.message).toMatch(/can only grow/);

    const events = topicNames(iso.topicPrefix).events;
    const platform = await errorOf(
      await call(routes.partitions, writerKey, {
        method: 'POST',
        name: events,
        body: { partitions: 12, confirm: events },
      }),
    );
    expect(platform.status).toBe(403);
    expect(platform.message).toMatch(/platform's own topics/);

    const res = await call(routes.partitions, writerKey, {
      method: 'POST',
      name,
      body: { partitions: 5, confirm: name },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { partitions: number }).partitions).toBe(5);
    const row = (await auditRows(name)).find((r) => r.action === 'topic.add_partitions');
    expect(row?.before).toEqual({ partitions: 2 });
    expect(row?.after).toEqual({ partitions: 5 });
    expect((await cluster.describeTopics([name]))[0]?.partitions).toHaveLength(5);
  }, 60_000);

  it('changes retention and cleanup policy with confirmation; platform topics may keep data longer, never shorter', async () => {
    const name = `${iso.topicPrefix}orders`;
    const unconfirmed = await errorOf(
      await call(routes.config, writerKey, {
        method: 'PATCH',
        name,
        body: { retentionMs: 7_200_000, confirm: '' },
      }),
    );
    expect(unconfirmed.status).toBe(400);
    const empty = await errorOf(
      await call(routes.config, writerKey, { method: 'PATCH', name, body: { confirm: name } }),
    );
    expect(empty.message).toMatch(/at least one of retentionMs, cleanupPolicy/);
    const tooShort = await errorOf(
      await call(routes.config, writerKey, {
        method: 'PATCH',
        name,
        body: { retentionMs: 10, confirm: name },
      }),
    );
    expect(tooShort.message).toMatch(/retention.ms must be -1/);

    const res = await call(routes.config, writerKey, {
      method: 'PATCH',
      name,
      body: { retentionMs: 7_200_000, cleanupPolicy: 'compact,delete', confirm: name },
    });
    expect(res.status).toBe(200);
    const row = (await auditRows(name)).find((r) => r.action === 'topic.set_config');
    expect(row?.before).toEqual({ 'retention.ms': '3600000', 'cleanup.policy': 'delete' });
    expect(row?.after).toEqual({ 'retention.ms': '7200000', 'cleanup.policy': 'compact,delete' });
    const [t] = await cluster.describeTopics([name]);
    expect(t?.configs).toMatchObject({ 'retention.ms': '7200000', 'cleanup.policy': 'compact,delete' });

    const events = topicNames(iso.topicPrefix).events;
    const lower = await errorOf(
      await call(routes.config, writerKey, {
        method: 'PATCH',
        name: events,
        body: { retentionMs: 60_000, confirm: events },
      }),
    );
    expect(lower.status).toBe(403);
    expect(lower.message).toMatch(/raised, not lowered/);
    const compact = await errorOf(
      await call(routes.config, writerKey, {
        method: 'PATCH',
        name: events,
        body: { cleanupPolicy: 'compact', confirm: events },
      }),
    );
    expect(compact.status).toBe(403);
    const longer = await call(routes.config, writerKey, {
      method: 'PATCH',
      name: events,
      body: { retentionMs: 8 * 86_400_000, confirm: events },
    });
    expect(longer.status).toBe(200);

    const outside = await errorOf(await call(routes.get, readerKey, { name: '__consumer_offsets' }));
    expect(outside.status).toBe(404);
  }, 60_000);
});

describe('consumer groups in the console', () => {
  const topic = () => `${iso.topicPrefix}orders`;
  const group = () => `${iso.topicPrefix}billing`;

  it('refuses a reset while the group has members, resets it once stopped, and audits it', async () => {
    const producer = createProducer({ brokers: iso.brokers.split(','), clientId: 'it-topics-producer' });
    await producer.send(
      topic(),
      Array.from({ length: 20 }, (_, i) => ({ key: `order-${i}`, partition: i % 5, value: `order-${i}` })),
    );
    await producer.close();
    let seen = 0;
    const consumer = createBatchConsumer({
      brokers: iso.brokers.split(','),
      clientId: 'it-topics-consumer',
      groupId: group(),
      topics: [topic()],
    });
    await consumer.start(async (b) => {
      seen += b.messages.length;
    });
    const owner = await caller(userActor('schema_owner'));
    const viewer = await caller(userActor('viewer'));
    try {
      const active = await eventually(async () => {
        const g = await viewer.groups.get({ groupId: group() });
        return g.members.length === 1 && seen >= 20 && g.totalLag === 0 && g;
      }, 30_000);
      expect(active.state).toBe('STABLE');

      const noPermission = await refusal(
        viewer.groups.resetOffsets({
          groupId: group(),
          topic: topic(),
          target: { to: 'earliest' },
          confirm: group(),
        }),
      );
      expect(noPermission.code).toBe('FORBIDDEN');
      const running = await refusal(
        owner.groups.resetOffsets({
          groupId: group(),
          topic: topic(),
          target: { to: 'earliest' },
          confirm: group(),
        }),
      );
      expect(running.code).toBe('CONFLICT');
      expect(running.message).toMatch(/stop its consumers before resetting offsets/);
    } finally {
      await consumer.stop();
    }
    const unconfirmed = await refusal(
      owner.groups.resetOffsets({
        groupId: group(),
        topic: topic(),
        target: { to: 'earliest' },
        confirm: 'x',
      }),
    );
    expect(unconfirmed.code).toBe('BAD_REQUEST');

    await eventually(
      async () => (await viewer.groups.get({ groupId: group() })).members.length === 0,
      30_000,
    );
    const result = await owner.groups.resetOffsets({
      groupId: group(),
      topic: topic(),
      target: { to: 'earliest' },
      confirm: group(),
    });
    expect(result.partitions.every((p) => p.after === '0')).toBe(true);
    const after = await viewer.groups.get({ groupId: group() });
    expect(after.totalLag).toBe(20);
    expect(after.maxLagSeconds).not.toBeNull();
    const [row] = await auditRows(group());
    expect(row).toMatchObject({
      action: 'consumer_group.reset_offsets',
      actor: 'user:schema_owner@test.example',
    });
    expect(row?.after).toMatchObject({ topic: topic(), target: { to: 'earliest' } });
    expect((await viewer.groups.list()).map((g) => g.groupId)).toContain(group());
  }, 90_000);

  it('samples lag into consumer_lag in one process at a time and charts it', async () => {
    const opts = {
      cluster,
      clickhouse: target,
      redis,
      redisPrefix: iso.redisPrefix,
      intervalMs: 5_000,
    };
    const a = createLagSampler(opts);
    const b = createLagSampler(opts);
    try {
      const first = await a.tick();
      const second = await b.tick();
      expect(first.leader).toBe(true);
      expect(second.leader).toBe(false);
      expect(first.rows).toBeGreaterThanOrEqual(5);
      // The holder keeps the lease on its next round; the other still waits.
      expect((await a.tick()).leader).toBe(true);
      expect((await b.tick()).leader).toBe(false);
    } finally {
      await a.stop();
    }
    // Released: the other takes over at once.
    expect((await b.tick()).leader).toBe(true);
    await b.stop();

    const viewer = await caller(userActor('viewer'));
    const history = await eventually(async () => {
      const h = await viewer.groups.lagHistory({ groupId: group() });
      return h.length > 0 && h;
    }, 10_000);
    expect(history.at(-1)?.lag).toBe(20);
    expect(history.at(-1)?.lagSeconds).toBeGreaterThanOrEqual(0);
  }, 60_000);
});
