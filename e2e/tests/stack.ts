import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The roles global-setup creates a person for. */
export const E2E_ROLES = ['admin', 'operator', 'schema_owner', 'viewer'] as const;
export type E2ERole = (typeof E2E_ROLES)[number];

export interface E2EUser {
  email: string;
  password: string;
}

export interface E2EStack {
  ingestUrl: string;
  webUrl: string;
  writeKey: string;
  /** Management API key (admin scope) of the seeded demo. */
  apiKey: string;
  clickhouseUrl: string;
  clickhouseDatabase: string;
  /** The run's Postgres database (people and sessions live there). */
  databaseUrl: string;
  /** ClickHouse users of the run (null when the engine asks no one). */
  clickhouseAdmin: { user: string; password: string } | null;
  clickhouseConsole: { user: string; password: string } | null;
  /** A signed-in person per role (sign-in.ts signs a page in as one). */
  users: Record<E2ERole, E2EUser>;
}

export function stack(): E2EStack {
  return JSON.parse(
    readFileSync(join(import.meta.dirname, '..', 'test-results', 'stack.json'), 'utf8'),
  ) as E2EStack;
}

export async function sendEvents(s: E2EStack, events: unknown[]): Promise<Response> {
  return fetch(`${s.ingestUrl}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.writeKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
}

/** Runs SQL through ClickHouse's HTTP interface, as any client would. */
export async function clickhouse(s: E2EStack, sql: string): Promise<string> {
  const res = await fetch(`${s.clickhouseUrl}/?database=${s.clickhouseDatabase}`, {
    method: 'POST',
    body: sql,
    headers: s.clickhouseAdmin
      ? { 'x-clickhouse-user': s.clickhouseAdmin.user, 'x-clickhouse-key': s.clickhouseAdmin.password }
      : {},
  });
  if (!res.ok) throw new Error(`ClickHouse answered ${res.status}: ${await res.text()}`);
  return (await res.text()).trim();
}
