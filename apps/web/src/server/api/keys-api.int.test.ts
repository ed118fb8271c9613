// /api/v1/keys and the console's keys router, called as Next and the browser call them, against
// a real Postgres database and the run's real Kafka broker (the revocation hint).
import {
  decodeControlMessage,
  topicNames,
  topicSpecs,
  type ControlMessage,
  type IssuedKeyView,
  type KeyView,
} from '@tributary/contracts';
import {
  createDb,
  createSource,
  createTestDatabase,
  databaseUrlFromEnv,
  issueApiKey,
  type Db,
  type TestDatabase,
} from '@tributary/db';
import { createAdmin, createBatchConsumer } from '@tributary/kafka';
import { eventually } from '@tributary/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../../../../scripts/test-infra/provided-context.ts';
import { keyActor, userActor } from '../auth/test-actors.ts';

type Handler = (req: Request, ctx?: { params: Promise<{ id: string }> }) => Promise<Response>;
let routes: { list: Handler; issue: Handler; revoke: Handler; schemas: Handler };
let testDb: TestDatabase;
let db: Db;
let prefix: string;
let adminKey: string;
let readerKey: string;

beforeAll(async () => {
  testDb = await createTestDatabase(databaseUrlFromEnv());
  db = createDb(testDb.url);
  await createSource(db, 'shop');
  prefix = `itkeys${Date.now().toString(36)}.`;
  const admin = createAdmin({ brokers: inject('kafkaBrokers').split(','), clientId: 'it-keys-api' });
  await admin.ensureTopics(topicSpecs(prefix));
  await admin.close();
  // NOTE: the console's env is parsed when first imported, so the routes load only after this.
  process.env.DATABASE_URL = testDb.url;
  process.env.KAFKA_BROKERS = inject('kafkaBrokers');
  process.env.TOPIC_PREFIX = prefix;
  const root = await import('../../app/api/v1/keys/route.ts');
  const one = await import('../../app/api/v1/keys/[id]/route.ts');
  const schemas = await import('../../app/api/v1/schemas/route.ts');
  routes = {
    list: root.GET,
    issue: root.POST,
    revoke: one.DELETE as Handler,
    schemas: schemas.GET,
  };
  adminKey = (await issueApiKey(db, { name: 'ci', scopes: ['admin'] })).key;
  readerKey = (await issueApiKey(db, { name: 'reader', scopes: ['schemas:read'] })).key;
});

afterAll(async () => {
  await (await import('../control.ts')).closeControlProducer();
  await (await import('../db.ts')).getDb().$disconnect();
  await db?.$disconnect();
  await testDb?.drop();
});

function req(path: string, opts: { method?: string; key?: string | null; body?: unknown } = {}): Request {
  const headers: Record<string, string> = {
    'user-agent': 'keys-api-test',
    'x-forwarded-for': '203.0.113.7',
    'x-request-id': 'keys-api-test-0001',
  };
  if (opts.key !== null) headers.authorization = `Bearer ${opts.key ?? adminKey}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  return new Request(`http://127.0.0.1:3000/api/v1/keys${path}`, {
    method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
}
const params = (id: string) => ({ params: Promise.resolve({ id }) });

async function issue(body: unknown): Promise<IssuedKeyView> {
  const res = await routes.issue(req('', { body }));
  expect(res.status).toBe(201);
  return (await res.json()) as IssuedKeyView;
}

async function listed(): Promise<KeyView[]> {
  const res = await routes.list(req(''));
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: KeyView[] }).items;
}

/** Control-topic messages of this file's topic, read from the beginning until `until` holds. */
async function controlMessages(until: (all: ControlMessage[]) => boolean): Promise<ControlMessage[]> {
  const seen: ControlMessage[] = [];
  const consumer = createBatchConsumer({
    brokers: inject('kafkaBrokers').split(','),
    clientId: 'it-keys-control-reader',
    groupId: `it-keys-control-${Math.random().toString(36).slice(2)}`,
    topics: [topicNames(prefix).control],
    fromBeginning: true,
    maxWaitMs: 100,
  });
  await consumer.start(async (batch) => {
    for (const m of batch.messages) {
      const decoded = decodeControlMessage(m.key, m.value);
      if (decoded.ok) seen.push(decoded.record);
    }
  });
  const deadline = Date.now() + 30_000;
  try {
    while (!until(seen) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  } finally {
    await consumer.stop();
  }
  return seen;
}

describe('/api/v1/keys authentication', () => {
  it('answers 401 without a key, 401 for a revoked or expired key, 403 without the admin scope', async () => {
    const anonymous = await routes.list(req('', { key: null }));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(
      (await routes.issue(req('', { key: null, body: { type: 'api', name: 'x', scopes: ['admin'] } })))
        .status,
    ).toBe(401);
    expect((await routes.revoke(req('/x', { key: null, method: 'DELETE' }), params('x'))).status).toBe(401);
    expect((await routes.list(req('', { key: 'trb_ak_not-a-key' }))).status).toBe(401);

    const forbidden = await routes.list(req('', { key: readerKey }));
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { message: string } }).error.message).toContain('admin');

    const expiring = await issueApiKey(db, {
      name: 'soon',
      scopes: ['admin'],
      expiresAt: new Date(Date.now() + 800),
    });
    expect((await routes.list(req('', { key: expiring.key }))).status).toBe(200);
    await eventually(async () => (await routes.list(req('', { key: expiring.key }))).status === 401, 10_000);
  });

  it('schemas routes: 401 anonymous, 403 without a schemas scope, schemas:write may read', async () => {
    expect((await routes.schemas(new Request('http://127.0.0.1:3000/api/v1/schemas'))).status).toBe(401);
    const dlqOnly = (await issueApiKey(db, { name: 'dlq', scopes: ['dlq:operate'] })).key;
    const writer = (await issueApiKey(db, { name: 'writer', scopes: ['schemas:write'] })).key;
    const as = (key: string) =>
      routes.schemas(
        new Request('http://127.0.0.1:3000/api/v1/schemas', { headers: { authorization: `Bearer ${key}` } }),
      );
    expect((await as(dlqOnly)).status).toBe(403);
    expect((await as(writer)).status).toBe(200);
    expect((await as(readerKey)).status).toBe(200);
  });
});

describe('/api/v1/keys', () => {
  it('issues an API key shown once, lists it without its secret, and revokes it', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const issued = await issue({ type: 'api', name: 'deploy bot', scopes: ['schemas:write'], expiresAt });
    expect(issued).toMatchObject({
      type: 'api',
      name: 'deploy bot',
      scopes: ['schemas:write'],
      state: 'active',
      expiresAt,
      createdBy: 'api_key:ci',
    });
    expect(issued.key.startsWith(issued.prefix)).toBe(true);

    const items = await listed();
    const row = items.find((k) => k.id === issued.id)!;
    expect(row).toMatchObject({ prefix: issued.prefix, lastUsedAt: null, revokedAt: null });
    expect(JSON.stringify(items)).not.toContain(issued.key);
    expect(JSON.stringify(items)).not.toMatch(/"hash"/);
    expect(row).not.toHaveProperty('key');

    const revoked = await routes.revoke(req(`/${issued.id}`, { method: 'DELETE' }), params(issued.id));
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ id: issued.id, state: 'revoked' });
    // Revoking again changes nothing and still answers the key.
    expect((await routes.revoke(req(`/${issued.id}`, { method: 'DELETE' }), params(issued.id))).status).toBe(
      200,
    );
    expect((await routes.list(req('', { key: issued.key }))).status).toBe(401);
  });

  it('issues and revokes a write key, publishes the hint, and audits both with the request', async () => {
    const issued = await issue({ type: 'write', source: 'shop', name: 'checkout' });
    expect(issued).toMatchObject({
      type: 'write',
      source: 'shop',
      name: 'checkout',
      scopes: [],
      state: 'active',
    });
    expect(issued.key).toMatch(/^trb_wk_/);

    const res = await routes.revoke(req(`/${issued.id}`, { method: 'DELETE' }), params(issued.id));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ state: 'revoked', source: 'shop' });
    expect(res.headers.get('x-request-id')).toBe('keys-api-test-0001');

    const hints = (
      await controlMessages((all) => all.filter((m) => m.kind === 'write_keys').length >= 2)
    ).filter((m) => m.kind === 'write_keys');
    // One for the issue (a cached miss must not outlive it), one for the revocation.
    expect(hints.map((h) => h.name)).toEqual(['shop', 'shop']);
    expect(JSON.stringify(hints)).not.toContain(issued.key);

    const audit = await db.auditLog.findMany({ where: { entityId: issued.id }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => [a.action, a.actor, a.actorKind, a.ip, a.userAgent, a.requestId])).toEqual([
      ['write_key.issue', 'api_key:ci', 'key', '203.0.113.7', 'keys-api-test', 'keys-api-test-0001'],
      ['write_key.revoke', 'api_key:ci', 'key', '203.0.113.7', 'keys-api-test', 'keys-api-test-0001'],
    ]);
  });

  it('refuses a bad body with a reason, an unknown source and an unknown id', async () => {
    const bad = await routes.issue(req('', { body: { type: 'api', name: 'x', scopes: ['root'] } }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('scopes');
    const past = await routes.issue(
      req('', { body: { type: 'api', name: 'x', scopes: ['admin'], expiresAt: '2001-01-01T00:00:00Z' } }),
    );
    expect(past.status).toBe(400);
    expect((await routes.issue(req('', { body: { type: 'write', source: 'nope' } }))).status).toBe(404);
    expect((await routes.revoke(req('/missing', { method: 'DELETE' }), params('missing'))).status).toBe(404);
  });
});

describe('keys router (console)', () => {
  it('is for admins only, and issues, lists and revokes', async () => {
    const { appRouter } = await import('../routers/index.ts');
    const { callerContext } = await import('../trpc.ts');
    const target = { client: null as never, database: 'unused' };
    const call = (actor: Parameters<typeof callerContext>[1]) =>
      appRouter.createCaller(callerContext(target, actor));

    await expect(call(null).keys.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    for (const role of ['viewer', 'operator', 'schema_owner'] as const) {
      await expect(call(userActor(role)).keys.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(call(userActor(role)).keys.issue({ type: 'write', source: 'shop' })).rejects.toMatchObject(
        {
          code: 'FORBIDDEN',
        },
      );
    }
    await expect(call(keyActor(['schemas:write'])).keys.revoke({ id: 'x' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });

    const admin = call(userActor('admin'));
    const issued = await admin.keys.issue({ type: 'write', source: 'shop', name: 'from the console' });
    expect(issued.key).toMatch(/^trb_wk_/);
    const lists = await admin.keys.list();
    expect(lists.writeKeys.find((k) => k.id === issued.id)).toMatchObject({
      state: 'active',
      createdBy: 'user:admin@test.example',
    });
    expect(JSON.stringify(lists)).not.toContain(issued.key);
    expect(await admin.keys.revoke({ id: issued.id })).toMatchObject({ state: 'revoked' });
    expect((await admin.keys.list()).writeKeys.find((k) => k.id === issued.id)?.state).toBe('revoked');
  });
});
