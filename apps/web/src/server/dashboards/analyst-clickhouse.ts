import type { QueryTarget } from '@tributary/clickhouse';
import { createClickHouse, type ClickHouseClient } from '@tributary/clickhouse';
import { env } from '../../env.ts';

// Kept on globalThis so dev-mode hot reloads reuse the client instead of leaking sockets.
const holder = globalThis as unknown as { tributaryAnalystClickHouse?: ClickHouseClient };

/**
 * The read-only analyst ClickHouse user, for raw SQL panels only; null when this deployment gave
 * the console no analyst credentials (then SQL panels are refused, saying so).
 */
export function getAnalystTarget(): QueryTarget | null {
  if (!env.ANALYST_CLICKHOUSE_USER) return null;
  holder.tributaryAnalystClickHouse ??= createClickHouse({
    url: env.CLICKHOUSE_URL,
    database: env.CLICKHOUSE_DATABASE,
    username: env.ANALYST_CLICKHOUSE_USER,
    password: env.ANALYST_CLICKHOUSE_PASSWORD ?? '',
    application: 'tributary-web-sql-panels',
    // Above the panels' 30 s execution limit, so ClickHouse's own message arrives first.
    requestTimeoutMs: 40_000,
  });
  return { client: holder.tributaryAnalystClickHouse, database: env.CLICKHOUSE_DATABASE };
}
