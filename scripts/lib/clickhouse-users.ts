// Who talks to the embedded ClickHouse started by `npm start`: one user per role, passwords made
// once and kept in the state directory (0600), so restarts and `npm start` run twice agree.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '@tributary/embedded-clickhouse';
import { ensurePasswords } from './stored-passwords.ts';

export interface Credentials {
  user: string;
  password: string;
}

/**
 * admin: migrations and the console's retention change (DDL); workers, ingest: insert and read;
 * console: read, bounded, plus its inserts (dead-letter status changes, consumer-group lag samples);
 * jobs: read, bounded, plus the status of the entries its replays sent; analyst: read, bounded.
 */
export const ROLES = ['admin', 'workers', 'ingest', 'console', 'jobs', 'analyst'] as const;
export type Role = (typeof ROLES)[number];
export type ClickHouseCredentials = Record<Role, Credentials>;

/** Makes (or reads back) the passwords and writes the server's users file; returns both. */
export function ensureClickHouseUsers(stateDir: string): {
  usersFile: string;
  credentials: ClickHouseCredentials;
} {
  const passwords = ensurePasswords(
    join(stateDir, 'clickhouse-credentials.json'),
    ROLES,
    (p) => p.length >= 16,
  );
  const credentials = Object.fromEntries(
    ROLES.map((r) => [r, { user: `tributary_${r}`, password: passwords[r] }]),
  ) as ClickHouseCredentials;
  const users = [
    { name: credentials.admin.user, password: passwords.admin, profile: 'admin' },
    { name: credentials.workers.user, password: passwords.workers, profile: 'writer' },
    { name: credentials.ingest.user, password: passwords.ingest, profile: 'writer' },
    {
      name: credentials.console.user,
      password: passwords.console,
      profile: 'reader',
      // Dead-letter status changes; the lag sampler's consumer-group lag history.
      insert_tables: ['dead_letter_status', 'consumer_lag'],
      // A console page that needs more than this is a bug to fix, not a query to wait for.
      limits: { max_execution_time: 60, max_rows_to_read: 2_000_000_000 },
    },
    {
      name: credentials.jobs.user,
      password: passwords.jobs,
      profile: 'reader',
      // A replay records each page it sent as replayed.
      insert_tables: ['dead_letter_status'],
      limits: { max_execution_time: 60, max_rows_to_read: 2_000_000_000 },
    },
    {
      name: credentials.analyst.user,
      password: passwords.analyst,
      profile: 'reader',
      // Any notebook or BI tool may use these: a query is bounded in time and rows read.
      limits: { max_execution_time: 120, max_rows_to_read: 10_000_000_000 },
    },
  ].map(({ password, ...u }) => ({ ...u, password_sha256_hex: hashPassword(password) }));
  const usersFile = join(stateDir, 'clickhouse-users.json');
  writeFileSync(usersFile, JSON.stringify(users, null, 2), { mode: 0o600 });
  return { usersFile, credentials };
}
