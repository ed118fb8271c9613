// The audit page's procedures against real Postgres: admins only, filters by actor, action,
// entity and time, and cursor pages that neither skip nor repeat rows written in the same instant.
import { createClickHouse } from '@tributary/clickhouse';
import { createDb, createTestDatabase, databaseUrlFromEnv, type Db, type TestDatabase } from '@tributary/db';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyActor, userActor } from './auth/test-actors.ts';

let testDb: TestDatabase;
let db: Db;
const unusedClickHouse = { client: createClickHouse({ url: 'http://127.0.0.1:1' }), database: 'none' };
const t0 = Date.parse('2026-11-30T10:00:00Z');

beforeAll(async () => {
  testDb = await createTestDatabase(databaseUrlFromEnv(), { prefix: 'tributary_audit_router' });
  db = createDb(testDb.url);
  const rows = [
    {
      actor: 'user:alice@example.com',
      action: 'schema.register',
      entity: 'schema_subject',
      entityId: 'a',
      min: 0,
    },
    {
      actor: 'user:alice@example.com',
      action: 'schema.set_mode',
      entity: 'schema_subject',
      entityId: 'a',
      min: 1,
    },
    { actor: 'user:bob@example.com', action: 'dlq.discard', entity: 'dead_letters', entityId: 'x', min: 2 },
    { actor: 'api_key:ci', action: 'schema.register', entity: 'schema_subject', entityId: 'b', min: 3 },
    // Three in the same millisecond: the page boundary must still hold.
    {
      actor: 'user:bob@example.com',
      action: 'source.set_policy',
      entity: 'source',
      entityId: 'demo',
      min: 4,
    },
    {
      actor: 'user:bob@example.com',
      action: 'source.set_policy',
      entity: 'source',
      entityId: 'demo',
      min: 4,
    },
    {
      actor: 'user:bob@example.com',
      action: 'source.set_policy',
      entity: 'source',
      entityId: 'demo',
      min: 4,
    },
  ];
  for (const { min, ...r } of rows) {
    await db.auditLog.create({ data: { ...r, at: new Date(t0 + min * 60_000), ip: '192.0.2.1' } });
  }
  process.env.DATABASE_URL = testDb.url;
});

afterAll(async () => {
  await (await import('./db.ts')).getDb().$disconnect();
  await db?.$disconnect();
  await testDb?.drop();
});

async function api(actor = userActor('admin')) {
  const { appRouter } = await import('./routers/index.ts');
  const { callerContext } = await import('./trpc.ts');
  return appRouter.createCaller(callerContext(unusedClickHouse, actor));
}

describe('audit router', () => {
  it('pages through every row newest first without skipping or repeating', async () => {
    const caller = await api();
    const seen: string[] = [];
    let cursor: { at: string; id: string } | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof caller.audit.list>> = await caller.audit.list({
        filter: {},
        cursor,
        limit: 2,
      });
      seen.push(...page.rows.map((r) => r.id));
      cursor = page.next;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(7);
    const all = await caller.audit.list({ filter: {}, limit: 200 });
    expect(all.rows.map((r) => r.id)).toEqual(seen);
    expect(all.rows[0]?.action).toBe('source.set_policy');
    expect(all.rows.at(-1)?.action).toBe('schema.register');
    expect(all.rows[0]).toMatchObject({ ip: '192.0.2.1', actorKind: 'system' });
  });

  it('filters by actor, action (exact or prefix), entity and time range', async () => {
    const caller = await api(keyActor(['admin']));
    const ids = async (filter: Parameters<typeof caller.audit.list>[0]['filter']) =>
      (await caller.audit.list({ filter, limit: 200 })).rows.map((r) => `${r.actor} ${r.action}`);
    expect(await ids({ actor: 'ALICE' })).toEqual([
      'user:alice@example.com schema.set_mode',
      'user:alice@example.com schema.register',
    ]);
    expect(await ids({ action: 'schema.register' })).toEqual([
      'api_key:ci schema.register',
      'user:alice@example.com schema.register',
    ]);
    expect(await ids({ action: 'schema.' })).toHaveLength(3);
    expect(await ids({ entity: 'dead_letters' })).toEqual(['user:bob@example.com dlq.discard']);
    expect(
      await ids({ from: new Date(t0 + 60_000).toISOString(), to: new Date(t0 + 3 * 60_000).toISOString() }),
    ).toEqual(['user:bob@example.com dlq.discard', 'user:alice@example.com schema.set_mode']);
    expect(await ids({ entity: 'source', entityId: 'demo', actor: 'bob' })).toHaveLength(3);
    expect(await caller.audit.facets()).toEqual({
      actions: ['dlq.discard', 'schema.register', 'schema.set_mode', 'source.set_policy'],
      entities: ['dead_letters', 'schema_subject', 'source'],
    });
  });

  it('refuses everyone but admins', async () => {
    for (const actor of [
      userActor('viewer'),
      userActor('operator'),
      userActor('schema_owner'),
      keyActor(['dlq:operate']),
    ]) {
      const caller = await api(actor);
      const err = await caller.audit.list({ filter: {} }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe('FORBIDDEN');
    }
  });
});
