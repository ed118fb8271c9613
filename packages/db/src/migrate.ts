import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { databaseName, parseDatabaseUrl, withDatabase } from './env.ts';
import { MIGRATIONS_DIR, readMigrations } from './migrations-dir.ts';

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
  /** Recorded in the database but absent from the folder (e.g. an older build after a newer one migrated). */
  unknown: string[];
}

export interface MigrateOptions {
  migrationsDir?: string;
  log?: (line: string) => void;
}

// Same key `prisma migrate deploy` locks on, so this and the real CLI never run at once.
const PRISMA_ADVISORY_LOCK = 72707369;

// Exactly Prisma's bookkeeping table, so `prisma migrate deploy/status` accept the database.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies pending migration folders in order, each in its own transaction together with its
 * `_prisma_migrations` row. Idempotent. Refuses to run when an applied migration's file changed
 * or a migration is recorded as failed, because then the database no longer matches the files.
 */
export async function migrate(databaseUrl: string, options: MigrateOptions = {}): Promise<MigrateResult> {
  const log = options.log ?? (() => {});
  const folders = readMigrations(options.migrationsDir ?? MIGRATIONS_DIR);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await client.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"
       WHERE rolled_back_at IS NULL ORDER BY started_at`,
    );
    const failed = rows.filter((r) => r.finished_at === null);
    if (failed.length > 0) {
      throw new Error(
        `migration ${failed.map((r) => r.migration_name).join(', ')} is recorded as started but not finished ` +
          `in _prisma_migrations; fix the database by hand, then mark it rolled back (prisma migrate resolve)`,
      );
    }
    const appliedByName = new Map(rows.map((r) => [r.migration_name, r]));
    const result: MigrateResult = { applied: [], alreadyApplied: [], unknown: [] };
    const folderNames = new Set(folders.map((f) => f.name));
    result.unknown = rows.map((r) => r.migration_name).filter((n) => !folderNames.has(n));

    for (const folder of folders) {
      const row = appliedByName.get(folder.name);
      if (row) {
        if (row.checksum !== folder.checksum) {
          throw new Error(
            `migration ${folder.name} was modified after it was applied (checksum in database ${row.checksum}, ` +
              `file ${folder.checksum}). Never edit an applied migration: restore the file and add a new migration.`,
          );
        }
        result.alreadyApplied.push(folder.name);
        continue;
      }
      log(`applying migration ${folder.name}`);
      try {
        await client.query('BEGIN');
        await client.query(folder.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
          [randomUUID(), folder.checksum, folder.name],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw new Error(`migration ${folder.name} failed and was rolled back: ${(err as Error).message}`, {
          cause: err,
        });
      }
      result.applied.push(folder.name);
    }
    return result;
  } finally {
    // Closing the session releases the advisory lock too.
    await client.end().catch(() => {});
  }
}

/** Creates the database named in the URL when missing, via the server's `postgres` database. */
export async function ensureDatabase(databaseUrl: string): Promise<{ created: boolean }> {
  const name = databaseName(parseDatabaseUrl(databaseUrl));
  const admin = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return { created: false };
    try {
      await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    } catch (err) {
      // 42P04 duplicate_database: another process created it between our check and CREATE.
      if ((err as { code?: string }).code === '42P04') return { created: false };
      throw err;
    }
    return { created: true };
  } finally {
    await admin.end().catch(() => {});
  }
}

/** Drops a database (for tests and tooling); terminates its sessions first. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = databaseName(parseDatabaseUrl(databaseUrl));
  const admin = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await admin.end().catch(() => {});
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
