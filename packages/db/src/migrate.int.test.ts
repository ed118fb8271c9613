// Real Postgres (DATABASE_URL's server, default 127.0.0.1:5432), one fresh database per run.
import { cpSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from './client.ts';
import { databaseUrlFromEnv } from './env.ts';
import { dropDatabase, ensureDatabase, migrate } from './migrate.ts';
import { MIGRATIONS_DIR, readMigrations } from './migrations-dir.ts';
import { pendingSchemaSql, prismaDeploy } from './schema-engine.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

const serverUrl = databaseUrlFromEnv();
let testDb: TestDatabase;
let db: Db;

beforeAll(async () => {
  testDb = await createTestDatabase(serverUrl, { migrated: false });
  db = createDb(testDb.url);
});

afterAll(async () => {
  await db?.$disconnect();
  await testDb?.drop();
});

async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('migrate', () => {
  it('applies every folder once, records it as Prisma does, and is a no-op the second time', async () => {
    const folders = readMigrations();
    const first = await migrate(testDb.url);
    expect(first.applied).toEqual(folders.map((f) => f.name));
    const second = await migrate(testDb.url);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(folders.map((f) => f.name));

    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(
      testDb.url,
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(folders.map((f) => [f.name, f.checksum]));
    expect(rows.every((r) => r.finished_at !== null && r.applied_steps_count === 1)).toBe(true);
  });

  it("is accepted by Prisma's own schema engine: migrate deploy finds nothing to apply", async () => {
    expect(await prismaDeploy(testDb.url)).toEqual([]);
  });

  it('and reads what Prisma recorded: a database deployed by Prisma needs nothing from migrate()', async () => {
    const other = await createTestDatabase(serverUrl, { migrated: false, prefix: 'tributary_test_prisma' });
    try {
      expect(await prismaDeploy(other.url)).toEqual(readMigrations().map((f) => f.name));
      const result = await migrate(other.url);
      expect(result.applied).toEqual([]);
    } finally {
      await other.drop();
    }
  });

  it('the migration files produce exactly the schema in schema.prisma (no drift)', async () => {
    expect(await pendingSchemaSql(serverUrl)).toBe('');
  });

  it('refuses when an applied migration file was edited, and when one is recorded as failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-migrations-'));
    const other = await createTestDatabase(serverUrl, { migrated: false });
    try {
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      await migrate(other.url, { migrationsDir: dir });
      const first = readMigrations(dir)[0]!;
      appendFileSync(join(dir, first.name, 'migration.sql'), '\n-- edited\n');
      await expect(migrate(other.url, { migrationsDir: dir })).rejects.toThrow(
        /was modified after it was applied/,
      );

      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      await query(
        other.url,
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ('x', 'y', '29990101000000_broken')`,
      );
      await expect(migrate(other.url, { migrationsDir: dir })).rejects.toThrow(/started but not finished/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await other.drop();
    }
  });

  it('rolls a failing migration back entirely', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-migrations-'));
    const other = await createTestDatabase(serverUrl, { migrated: false });
    try {
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      const bad = join(dir, '29990101000000_bad');
      cpSync(join(dir, readMigrations(dir)[0]!.name), bad, { recursive: true });
      writeFileSync(
        join(bad, 'migration.sql'),
        'CREATE TABLE "half_done" (id INT);\nSELECT no_such_function();\n',
      );
      await expect(migrate(other.url, { migrationsDir: dir })).rejects.toThrow(
        /29990101000000_bad failed and was rolled back/,
      );
      const tables = await query(other.url, `SELECT 1 FROM pg_tables WHERE tablename = 'half_done'`);
      expect(tables).toEqual([]);
      const names = await query<{ migration_name: string }>(
        other.url,
        'SELECT migration_name FROM "_prisma_migrations"',
      );
      expect(names.map((r) => r.migration_name)).not.toContain('29990101000000_bad');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await other.drop();
    }
  });

  it('ensureDatabase creates a missing database once', async () => {
    const url = testDb.url.replace(/(tributary_test_[0-9a-f]+)/, '$1_ensure');
    try {
      expect(await ensureDatabase(url)).toEqual({ created: true });
      expect(await ensureDatabase(url)).toEqual({ created: false });
    } finally {
      await dropDatabase(url);
    }
  });
});

describe('generated client against the migrated database', () => {
  it('creates and reads every model', async () => {
    const source = await db.source.create({ data: { name: 'web-shop', description: 'storefront' } });
    const wk = await db.writeKey.create({
      data: { sourceId: source.id, prefix: 'trb_wk_abcde', hash: 'h1' },
    });
    const ak = await db.apiKey.create({
      data: { name: 'ci', prefix: 'trb_ak_abcde', hash: 'h2', scopes: ['read', 'write'] },
    });
    const audit = await db.auditLog.create({
      data: {
        actor: 'alice',
        action: 'source.update',
        entity: 'source',
        entityId: source.id,
        before: { a: 1 },
        after: { a: [2, null] },
      },
    });

    const readSource = await db.source.findUniqueOrThrow({
      where: { name: 'web-shop' },
      include: { writeKeys: true },
    });
    expect(readSource.createdAt).toBeInstanceOf(Date);
    expect(readSource.writeKeys.map((k) => k.id)).toEqual([wk.id]);
    expect((await db.writeKey.findUniqueOrThrow({ where: { hash: 'h1' } })).revokedAt).toBeNull();
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: ak.id } })).scopes).toEqual(['read', 'write']);
    const readAudit = await db.auditLog.findUniqueOrThrow({ where: { id: audit.id } });
    expect(readAudit.before).toEqual({ a: 1 });
    expect(readAudit.after).toEqual({ a: [2, null] });
    await expect(db.source.create({ data: { name: 'web-shop' } })).rejects.toThrow();
  });
});

// Keys (issue, find, expiry, last used, revoke, the demo seed) are tested in keys.int.test.ts.
