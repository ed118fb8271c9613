// Applies packages/clickhouse/migrations/NNNN_name.sql in order and records each in
// <db>.schema_migrations with its checksum.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { splitStatements } from './sql-split.ts';

/**
 * The migrations folder of this package. A function, not a constant: bundlers (the console's
 * Next.js server build) leave import.meta.dirname undefined, and importing the package must
 * not fail there — only running migrations needs the folder.
 */
export function defaultMigrationsDir(): string {
  return resolve(import.meta.dirname, '../migrations');
}

const FILE_RE = /^(\d{4})_([a-z0-9_]+)\.sql$/;
const DB_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface MigrationFile {
  version: number;
  name: string;
  file: string;
  checksum: string;
  sql: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

export async function loadMigrations(migrationsDir = defaultMigrationsDir()): Promise<MigrationFile[]> {
  const files = (await readdir(migrationsDir)).filter((f) => f.endsWith('.sql')).sort();
  const seen = new Map<number, string>();
  const out: MigrationFile[] = [];
  for (const file of files) {
    const m = FILE_RE.exec(file);
    if (!m?.[1] || !m[2]) {
      throw new MigrationError(`Migration file '${file}' is not named NNNN_lower_snake_name.sql`);
    }
    const version = Number(m[1]);
    const clash = seen.get(version);
    if (clash) throw new MigrationError(`Migrations '${clash}' and '${file}' share version ${version}`);
    seen.set(version, file);
    const sql = await readFile(join(migrationsDir, file), 'utf8');
    out.push({ version, name: m[2], file, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return out;
}

/**
 * Idempotent: a second run applies nothing. An applied migration whose file changed since is
 * an error, not silently skipped: write a new migration instead.
 * NOTE: ClickHouse DDL is not transactional. A file whose second statement fails leaves the
 * first applied and the file unrecorded, so it runs again next time: every statement must be
 * safe to repeat (IF NOT EXISTS). Run one migrator at a time (the start script does).
 */
export async function migrate({
  client,
  database,
  migrationsDir,
}: {
  client: ClickHouseClient;
  database: string;
  migrationsDir?: string;
}): Promise<MigrateResult> {
  if (!DB_RE.test(database)) throw new MigrationError(`Invalid database name '${database}'`);
  const migrations = await loadMigrations(migrationsDir);
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${database}.schema_migrations
      (
        version    UInt32,
        name       String,
        checksum   String,
        applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
      )
      ENGINE = MergeTree ORDER BY version`,
  });
  const rs = await client.query({
    query: `SELECT version, name, checksum FROM ${database}.schema_migrations`,
    format: 'JSONEachRow',
  });
  const applied = new Map(
    (await rs.json<{ version: number; name: string; checksum: string }>()).map((r) => [Number(r.version), r]),
  );

  const result: MigrateResult = { applied: [], alreadyApplied: [] };
  for (const m of migrations) {
    const done = applied.get(m.version);
    if (done) {
      if (done.checksum !== m.checksum) {
        throw new MigrationError(
          `Migration ${m.file} was applied to '${database}' with checksum ${done.checksum.slice(0, 12)}… ` +
            `but the file now has ${m.checksum.slice(0, 12)}…. Applied migrations must not change: ` +
            `revert the edit and add a new migration file instead.`,
        );
      }
      result.alreadyApplied.push(m.file);
      continue;
    }
    for (const statement of splitStatements(m.sql.replaceAll('{db}', database))) {
      try {
        await client.command({ query: statement });
      } catch (err) {
        throw new MigrationError(
          `Migration ${m.file} failed: ${(err as Error).message}\nStatement:\n${statement}`,
          {
            cause: err,
          },
        );
      }
    }
    await client.insert({
      table: `${database}.schema_migrations`,
      values: [{ version: m.version, name: m.name, checksum: m.checksum }],
      format: 'JSONEachRow',
    });
    result.applied.push(m.file);
  }
  return result;
}
