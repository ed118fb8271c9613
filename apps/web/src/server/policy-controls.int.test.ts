// Enforcement and source policy changed from the console (tRPC) and the management API
// (PUT /api/v1/schemas/{subject}/config): stored, audited, and published on the control topic as
// ingest reads it. Real Postgres, Kafka and ClickHouse, isolated for this file.
import { decodeControlRecord, topicNames, type ControlRecord } from '@tributary/contracts';
import { createDb, DEMO_SOURCE_NAME, issueApiKey, type Db } from '@tributary/db';
import { createBatchConsumer, type BatchConsumer } from '@tributary/kafka';
import { getSubject, registerVersion } from '@tributary/registry';
import { createClickHouse } from '@tributary/clickhouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, isolate, type Isolated } from '../../../../scripts/test-infra/fixtures.ts';
import { userActor } from './auth/test-actors.ts';

type Put = (req: Request, ctx: { params: Promise<{ subject: string }> }) => Promise<Response>;

let iso: Isolated;
let db: Db;
let put: Put;
let reader: BatchConsumer;
const records: ControlRecord[] = [];
const clickhouse = () => createClickHouse({ url: iso.clickhouseUrl });
let ch: ReturnType<typeof clickhouse>;

beforeAll(async () => {
  iso = await isolate();
  db = createDb(iso.databaseUrl);
  ch = clickhouse();
  await registerVersion(db, 'plan_chosen', { type: 'object' }, { actor: 'it' });
  // NOTE: the console's env is parsed when first imported, so routes and routers load after this.
  process.env.DATABASE_URL = iso.databaseUrl;
  process.env.KAFKA_BROKERS = iso.brokers;
  process.env.TOPIC_PREFIX = iso.topicPrefix;
  put = ((await import('../app/api/v1/schemas/[subject]/config/route.ts')) as { PUT: Put }).PUT;
  reader = createBatchConsumer({
    brokers: iso.brokers.split(','),
    clientId: 'it-policy-controls-reader',
    groupId: `it-policy-controls-${iso.id}`,
    topics: [topicNames(iso.topicPrefix).control],
    fromBeginning: true,
    maxWaitMs: 100,
  });
  await reader.start(async (batch) => {
    for (const m of batch.messages) {
      const decoded = decodeControlRecord(m.key, m.value);
      if (decoded.ok) records.push(decoded.record);
    }
  });
});

afterAll(async () => {
  await reader?.stop();
  await (await import('./control.ts')).closeControlProducer();
  await (await import('./db.ts')).getDb().$disconnect();
  await ch?.close();
  await db?.$disconnect();
  await iso?.cleanup();
});

/** Polls the control topic until a record matching `match` arrived. */
function published(match: (r: ControlRecord) => boolean): Promise<ControlRecord> {
  return eventually(async () => records.find(match), 30_000);
}

const REQUEST = { ip: '198.51.100.4', userAgent: 'policy-test/1', requestId: 'req-policy-controls-1' };

async function caller() {
  const { appRouter } = await import('./routers/index.ts');
  const { callerContext } = await import('./trpc.ts');
  return appRouter.createCaller(
    callerContext({ client: ch, database: iso.clickhouseDatabase }, userActor('schema_owner'), REQUEST),
  );
}

function config(subject: string, body: unknown, key = iso.apiKey): Promise<Response> {
  return put(
    new Request(`http://127.0.0.1:3000/api/v1/schemas/${subject}/config`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ subject }) },
  );
}

describe('console', () => {
  it('sets enforcement and publishes the subject', async () => {
    const api = await caller();
    expect(await api.schemas.setEnforcement({ subject: 'plan_chosen', enforcement: 'observe' })).toEqual({
      enforcement: 'observe',
    });
    expect((await getSubject(db, 'plan_chosen')).enforcement).toBe('observe');
    await published(
      (r) => r.kind === 'subject' && r.name === 'plan_chosen' && r.state?.enforcement === 'observe',
    );
    await expect(
      api.schemas.setEnforcement({ subject: 'nope', enforcement: 'observe' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lists sources and sets a source policy, publishing the source', async () => {
    const api = await caller();
    const { sources } = await api.sources.list();
    expect(sources).toContainEqual(
      expect.objectContaining({ name: DEMO_SOURCE_NAME, unknownEventTypes: 'allow' }),
    );
    expect(await api.sources.setPolicy({ source: DEMO_SOURCE_NAME, policy: 'reject' })).toMatchObject({
      name: DEMO_SOURCE_NAME,
      unknownEventTypes: 'reject',
    });
    await published(
      (r) => r.kind === 'source' && r.name === DEMO_SOURCE_NAME && r.state?.unknownEventTypes === 'reject',
    );
    expect(
      (await api.sources.list()).sources.find((s) => s.name === DEMO_SOURCE_NAME)?.unknownEventTypes,
    ).toBe('reject');
    const audit = await db.auditLog.findMany({ where: { action: 'source.set_policy' } });
    expect(audit).toHaveLength(1);
    // The person, and the request they made it in.
    expect(audit[0]).toMatchObject({
      actor: 'user:schema_owner@test.example',
      actorKind: 'user',
      ...REQUEST,
    });
    await expect(api.sources.setPolicy({ source: 'ghost', policy: 'reject' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('sets a source rate limit, audited and published for ingest to re-read', async () => {
    const api = await caller();
    expect(
      await api.sources.setRateLimit({ source: DEMO_SOURCE_NAME, eventsPerSecond: 200, burst: 400 }),
    ).toEqual({ eventsPerSecond: 200, burst: 400 });
    const row = await db.source.findUniqueOrThrow({ where: { name: DEMO_SOURCE_NAME } });
    expect(row).toMatchObject({ rateLimitPerSecond: 200, rateLimitBurst: 400 });
    await published(
      (r) =>
        r.kind === 'source' && r.name === DEMO_SOURCE_NAME && r.state?.rateLimit?.eventsPerSecond === 200,
    );
    expect(await db.auditLog.count({ where: { action: 'source.set_rate_limit' } })).toBe(1);
    await expect(
      api.sources.setRateLimit({ source: DEMO_SOURCE_NAME, eventsPerSecond: 0, burst: null }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('PUT /api/v1/schemas/{subject}/config', () => {
  it('sets mode and enforcement, audits under the key, and publishes', async () => {
    const res = await config('plan_chosen', { mode: 'FULL', enforcement: 'enforce' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      name: 'plan_chosen',
      compatibility: 'FULL',
      enforcement: 'enforce',
    });
    await published(
      (r) =>
        r.kind === 'subject' &&
        r.name === 'plan_chosen' &&
        r.state?.enforcement === 'enforce' &&
        r.state.compatibility === 'FULL',
    );
    const audit = await db.auditLog.findMany({
      where: { action: { in: ['subject.set_mode', 'subject.set_enforcement'] } },
      orderBy: { at: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual([
      'subject.set_enforcement', // from the console test above
      'subject.set_mode',
      'subject.set_enforcement',
    ]);
    // Repeating the same values is a 200 that changes nothing.
    expect((await config('plan_chosen', { enforcement: 'enforce' })).status).toBe(200);
  });

  it('answers 404 for an unknown subject, 400 for bad values, 403 for a read-only key', async () => {
    const missing = await config('nope', { enforcement: 'observe' });
    expect(missing.status).toBe(404);
    for (const body of [{}, { enforcement: 'loose' }, { mode: 'SIDEWAYS' }, { mode: 'FULL', extra: 1 }, []]) {
      const res = await config('plan_chosen', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(await res.json())).toMatch(/mode|enforcement/);
    }
    // A bad enforcement with a good mode changes neither.
    expect((await config('plan_chosen', { mode: 'NONE', enforcement: 'loose' })).status).toBe(400);
    expect((await getSubject(db, 'plan_chosen')).compatibility).toBe('FULL');
    const reader = (await issueApiKey(db, { name: 'reader', scopes: ['schemas:read'] })).key;
    expect((await config('plan_chosen', { enforcement: 'observe' }, reader)).status).toBe(403);
  });
});
