import { randomBytes } from 'node:crypto';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createDb, createUser } from '@tributary/db';
import { startTestStack } from '../scripts/lib/test-stack.ts';
import { E2E_ROLES, type E2EUser } from './tests/stack.ts';

export const STACK_FILE = join(import.meta.dirname, 'test-results', 'stack.json');

/** The whole platform, private to this e2e run, with the console built and served. */
export default async function globalSetup() {
  // ClickHouse asks who is calling, as under npm start: each service as its own user, raw SQL
  // panels as the read-only analyst.
  // The jobs service runs the dead-letter replays the console queues and evaluates alerts; the
  // built-in rules notify the console's inbox, as under npm start.
  const t = await startTestStack(['workers', 'ingest', 'web', 'jobs'], {
    clickhouseAuth: true,
    builtinAlerts: true,
  });
  const chUsers = t.stack.infra.clickhouseCredentials;
  mkdirSync(join(import.meta.dirname, 'test-results'), { recursive: true });
  // One person per role the specs sign in as; passwords are random per run.
  const db = createDb(t.config.databaseUrl);
  const users = {} as Record<(typeof E2E_ROLES)[number], E2EUser>;
  try {
    for (const role of E2E_ROLES) {
      const user = { email: `${role}@e2e.tributary.local`, password: randomBytes(18).toString('base64url') };
      await createUser(db, { ...user, role }, { actor: 'seed' });
      users[role] = user;
    }
  } finally {
    await db.$disconnect();
  }
  writeFileSync(
    STACK_FILE,
    JSON.stringify({
      ingestUrl: t.stack.ingestUrl,
      webUrl: t.stack.webUrl,
      writeKey: t.stack.writeKey,
      apiKey: t.stack.apiKey,
      clickhouseUrl: t.stack.clickhouseUrl,
      clickhouseDatabase: t.config.clickhouseDatabase,
      databaseUrl: t.config.databaseUrl,
      clickhouseAdmin: chUsers?.admin ?? null,
      clickhouseConsole: chUsers?.console ?? null,
      users,
    }),
  );
  return async () => {
    await t.stop();
  };
}
