import { randomBytes } from 'node:crypto';
import { withDatabase } from './env.ts';
import { dropDatabase, ensureDatabase, migrate } from './migrate.ts';

export interface TestDatabase {
  url: string;
  drop: () => Promise<void>;
}

/**
 * A fresh database on the server of `serverUrl` (default: DATABASE_URL's server), migrated with
 * the project's real migrations unless `migrated: false`. Each test file gets its own.
 */
export async function createTestDatabase(
  serverUrl: string,
  opts: { migrated?: boolean; prefix?: string } = {},
): Promise<TestDatabase> {
  const name = `${opts.prefix ?? 'tributary_test'}_${randomBytes(6).toString('hex')}`;
  const url = withDatabase(serverUrl, name);
  await ensureDatabase(url);
  if (opts.migrated !== false) await migrate(url);
  return { url, drop: () => dropDatabase(url) };
}
