// `npx tsx packages/db/src/migrate-cli.ts`: create the database if needed and apply migrations.
import { databaseUrlFromEnv } from './env.ts';
import { ensureDatabase, migrate } from './migrate.ts';

async function main(): Promise<void> {
  const url = databaseUrlFromEnv();
  const safeUrl = new URL(url);
  safeUrl.password = safeUrl.password ? '***' : '';
  const { created } = await ensureDatabase(url);
  if (created) console.log(`db: created database ${safeUrl.pathname.slice(1)}`);
  const result = await migrate(url, { log: (line) => console.log(`db: ${line}`) });
  for (const name of result.unknown) {
    console.warn(`db: warning: migration ${name} is applied in the database but not in this build's folder`);
  }
  console.log(
    `db: ${safeUrl.host}${safeUrl.pathname} migrated (${result.applied.length} applied, ` +
      `${result.alreadyApplied.length} already applied)`,
  );
}

main().catch((err: unknown) => {
  console.error(`db: migration failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
