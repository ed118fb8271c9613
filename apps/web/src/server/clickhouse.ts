import { createClickHouse, type ClickHouseClient } from '@tributary/clickhouse';
import { env } from '../env.ts';
import type { QueryTarget } from './queries/run.ts';

// Kept on globalThis so dev-mode hot reloads reuse the clients instead of leaking sockets.
const holder = globalThis as unknown as {
  tributaryClickHouse?: ClickHouseClient;
  tributaryClickHouseDdl?: ClickHouseClient;
};

function client(user: string | undefined, password: string | undefined, application: string) {
  return createClickHouse({
    url: env.CLICKHOUSE_URL,
    database: env.CLICKHOUSE_DATABASE,
    ...(user ? { username: user, password: password ?? '' } : {}),
    application,
    // A console poll that takes longer than this is worth an error on screen, not a hang.
    requestTimeoutMs: 10_000,
  });
}

/** One client per server process, created on first use (never at import time). */
export function getClickHouse(): ClickHouseClient {
  holder.tributaryClickHouse ??= client(env.CLICKHOUSE_USER, env.CLICKHOUSE_PASSWORD, 'tributary-web');
  return holder.tributaryClickHouse;
}

/**
 * The client for schema changes the console makes (dead-letter retention). The console's own
 * user is read-only with one insert; this one is separate so every other query runs bounded.
 */
export function getDdlTarget(): QueryTarget {
  if (!env.CLICKHOUSE_DDL_USER) return { client: getClickHouse(), database: env.CLICKHOUSE_DATABASE };
  holder.tributaryClickHouseDdl ??= client(
    env.CLICKHOUSE_DDL_USER,
    env.CLICKHOUSE_DDL_PASSWORD,
    'tributary-web-ddl',
  );
  return { client: holder.tributaryClickHouseDdl, database: env.CLICKHOUSE_DATABASE };
}
