// Keys against a real, migrated Postgres (DATABASE_URL's server), one fresh database per file.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findApiKey, getApiKey, issueApiKey, listApiKeys, revokeApiKey } from './api-keys.ts';
import { createDb, type Db } from './client.ts';
import { databaseUrlFromEnv } from './env.ts';
import { LAST_USED_RESOLUTION_MS, hashKey, keyState } from './keys.ts';
import { DEMO_API_KEY_NAME, DEMO_SOURCE_NAME, seedDemo } from './seed.ts';
import { createSource } from './sources.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { findWriteKey, getWriteKey, issueWriteKey, listWriteKeys, revokeWriteKey } from './write-keys.ts';

let testDb: TestDatabase;
let db: Db;

beforeAll(async () => {
  testDb = await createTestDatabase(databaseUrlFromEnv());
  db = createDb(testDb.url);
});
afterAll(async () => {
  await db?.$disconnect();
  await testDb?.drop();
});

async function rawRow(table: 'write_keys' | 'api_keys', id: string): Promise<Record<string, unknown>> {
  const client = new pg.Client({ connectionString: testDb.url });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, unknown>>(`SELECT * FROM ${table} WHERE id = $1`, [
      id,
    ]);
    return rows[0]!;
  } finally {
    await client.end();
  }
}

const inAnHour = () => new Date(Date.now() + 3_600_000);

describe('write keys', () => {
  it('stores only the hash, finds the key by plaintext until revoked, and audits both', async () => {
    const source = await createSource(db, 'mobile-app', { actor: 'alice' });
    const issued = await issueWriteKey(db, source.id, { actor: 'user:alice@example.com', name: 'ios' });
    expect(issued.key.startsWith(issued.prefix)).toBe(true);
    const stored = await rawRow('write_keys', issued.id);
    expect(stored.hash).toBe(hashKey(issued.key));
    expect(JSON.stringify(stored)).not.toContain(issued.key);
    expect(stored.created_by).toBe('user:alice@example.com');

    expect(await findWriteKey(db, issued.key)).toEqual({
      id: issued.id,
      sourceId: source.id,
      sourceName: 'mobile-app',
      expiresAt: null,
    });
    expect(await findWriteKey(db, `${issued.key}x`)).toBeNull();
    expect(await revokeWriteKey(db, issued.id, { actor: 'user:alice@example.com' })).toBe(true);
    expect(await revokeWriteKey(db, issued.id)).toBe(false);
    expect(await findWriteKey(db, issued.key)).toBeNull();

    const audit = await db.auditLog.findMany({
      where: { entityId: { in: [source.id, issued.id] } },
      orderBy: { at: 'asc' },
    });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['source.create', 'alice'],
      ['write_key.issue', 'user:alice@example.com'],
      ['write_key.revoke', 'user:alice@example.com'],
    ]);
    expect(JSON.stringify(audit)).not.toContain(issued.key);
  });

  it('refuses an expired key like a revoked one', async () => {
    const source = await createSource(db, 'expiring');
    const expiresAt = inAnHour();
    const issued = await issueWriteKey(db, source.id, { expiresAt });
    expect((await findWriteKey(db, issued.key))?.expiresAt).toEqual(expiresAt);
    expect(await findWriteKey(db, issued.key, { now: new Date(expiresAt.getTime() + 1) })).toBeNull();
    const row = (await getWriteKey(db, issued.id))!;
    expect(keyState(row, new Date(expiresAt.getTime()))).toBe('expired');
    expect(keyState(row)).toBe('active');
  });

  it('marks a key used at most once a minute', async () => {
    const source = await createSource(db, 'busy');
    const issued = await issueWriteKey(db, source.id);
    expect((await getWriteKey(db, issued.id))?.lastUsedAt).toBeNull();
    const t0 = new Date(Date.now() + 1000);
    await findWriteKey(db, issued.key, { now: t0 });
    expect((await getWriteKey(db, issued.id))?.lastUsedAt).toEqual(t0);
    // Within the minute: no write.
    await findWriteKey(db, issued.key, { now: new Date(t0.getTime() + LAST_USED_RESOLUTION_MS - 1) });
    expect((await getWriteKey(db, issued.id))?.lastUsedAt).toEqual(t0);
    const t1 = new Date(t0.getTime() + LAST_USED_RESOLUTION_MS);
    await findWriteKey(db, issued.key, { now: t1 });
    expect((await getWriteKey(db, issued.id))?.lastUsedAt).toEqual(t1);
  });

  it('lists keys newest first with their source, and per source', async () => {
    const a = await createSource(db, 'list-a');
    const b = await createSource(db, 'list-b');
    const first = await issueWriteKey(db, a.id, { name: 'first' });
    const second = await issueWriteKey(db, b.id, { name: 'second' });
    const all = await listWriteKeys(db);
    const ids = all.map((k) => k.id);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
    expect(all.find((k) => k.id === first.id)).toMatchObject({
      sourceName: 'list-a',
      name: 'first',
      prefix: first.prefix,
    });
    expect((await listWriteKeys(db, { sourceId: b.id })).map((k) => k.id)).toEqual([second.id]);
    expect(JSON.stringify(all)).not.toMatch(/"hash"/);
  });
});

describe('API keys', () => {
  it('stores only the hash, finds the key with its scopes until revoked', async () => {
    const issued = await issueApiKey(db, { name: 'dashboards', scopes: ['schemas:read'] }, { actor: 'seed' });
    const stored = await rawRow('api_keys', issued.id);
    expect(stored.hash).toBe(hashKey(issued.key));
    expect(JSON.stringify(stored)).not.toContain(issued.key);
    expect(await findApiKey(db, issued.key)).toEqual({
      id: issued.id,
      name: 'dashboards',
      scopes: ['schemas:read'],
      expiresAt: null,
    });
    expect(await revokeApiKey(db, issued.id)).toBe(true);
    expect(await findApiKey(db, issued.key)).toBeNull();
    expect((await getApiKey(db, issued.id))?.revokedAt).toBeInstanceOf(Date);
  });

  it('refuses an expired key, records last use, and lists every key', async () => {
    const expiresAt = inAnHour();
    const issued = await issueApiKey(
      db,
      { name: 'ci', scopes: ['admin'], expiresAt },
      { actor: 'user:bo@example.com' },
    );
    const now = new Date();
    expect((await findApiKey(db, issued.key, { now }))?.scopes).toEqual(['admin']);
    expect(await findApiKey(db, issued.key, { now: expiresAt })).toBeNull();
    const listed = (await listApiKeys(db)).find((k) => k.id === issued.id);
    expect(listed).toMatchObject({
      name: 'ci',
      createdBy: 'user:bo@example.com',
      expiresAt,
      lastUsedAt: now,
    });
  });
});

describe('the demo seed', () => {
  it('run twice leaves one active demo admin key and one active seeded demo write key', async () => {
    const other = await createTestDatabase(databaseUrlFromEnv());
    const seeded = createDb(other.url);
    try {
      const demo = await createSource(seeded, DEMO_SOURCE_NAME);
      const own = await issueWriteKey(seeded, demo.id, { actor: 'user:alice@example.com' });
      const ownApi = await issueApiKey(
        seeded,
        { name: DEMO_API_KEY_NAME, scopes: ['admin'] },
        { actor: 'user:alice@example.com' },
      );

      const first = await seedDemo(seeded);
      const second = await seedDemo(seeded);
      expect(second.sourceId).toBe(first.sourceId);
      expect(await seeded.source.count({ where: { name: DEMO_SOURCE_NAME } })).toBe(1);

      // The newest pair works, the earlier seeded pair no longer does.
      expect((await findWriteKey(seeded, second.writeKey))?.sourceName).toBe(DEMO_SOURCE_NAME);
      expect((await findApiKey(seeded, second.apiKey))?.scopes).toEqual(['admin']);
      expect(await findWriteKey(seeded, first.writeKey)).toBeNull();
      expect(await findApiKey(seeded, first.apiKey)).toBeNull();
      const activeSeededAdmin = (await listApiKeys(seeded)).filter(
        (k) => k.createdBy === 'seed' && k.revokedAt === null && k.scopes.includes('admin'),
      );
      expect(activeSeededAdmin).toHaveLength(1);

      // Keys people issued (even for the demo source, even named "demo") are left alone.
      expect((await findWriteKey(seeded, own.key))?.id).toBe(own.id);
      expect((await findApiKey(seeded, ownApi.key))?.id).toBe(ownApi.id);

      const revocations = await seeded.auditLog.findMany({
        where: { action: { in: ['api_key.revoke', 'write_key.revoke'] } },
      });
      expect(revocations.map((r) => r.actor)).toEqual(['seed', 'seed']);
    } finally {
      await seeded.$disconnect();
      await other.drop();
    }
  });

  it('two seeds at once still leave exactly one active demo admin key', async () => {
    const other = await createTestDatabase(databaseUrlFromEnv());
    const a = createDb(other.url);
    const b = createDb(other.url);
    try {
      await seedDemo(a);
      const [x, y] = await Promise.all([seedDemo(a), seedDemo(b)]);
      const active = [await findApiKey(a, x.apiKey), await findApiKey(a, y.apiKey)].filter(Boolean);
      expect(active).toHaveLength(1);
      expect(await a.apiKey.count({ where: { createdBy: 'seed', revokedAt: null } })).toBe(1);
      expect(await a.writeKey.count({ where: { createdBy: 'seed', revokedAt: null } })).toBe(1);
    } finally {
      await Promise.allSettled([a.$disconnect(), b.$disconnect()]);
      await other.drop();
    }
  });
});
