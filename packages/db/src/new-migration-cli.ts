// `npm run migration:new -w @tributary/db -- <name>`: writes prisma/migrations/<timestamp>_<name>/
// with the SQL Prisma's own schema engine computes from the current folder to schema.prisma.
// Replaces `prisma migrate dev --create-only`, whose native engine cannot be downloaded here.
// Needs a Postgres server (DATABASE_URL's) for a scratch database, dropped afterwards.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { databaseUrlFromEnv } from './env.ts';
import { MIGRATIONS_DIR } from './migrations-dir.ts';
import { pendingSchemaSql } from './schema-engine.ts';

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    throw new Error('usage: migration:new <snake_case_name>');
  }
  const sql = await pendingSchemaSql(databaseUrlFromEnv());
  if (sql.trim() === '') {
    console.log('db: schema.prisma already matches the migrations; nothing written');
    return;
  }
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = join(MIGRATIONS_DIR, `${stamp}_${name}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'migration.sql'), sql);
  console.log(`db: wrote ${dir}/migration.sql\n\n${sql}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`db: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
