import { createClickHouse, type ClickHouseClient } from '@tributary/clickhouse';
import { env } from '../env.ts';

// Kept on globalThis so dev-mode hot reloads reuse the client instead of leaking sockets.
const holder = globalThis as unknown as { tributaryClickHouse?: ClickHouseClient };

/** One client per server process, created on first use (never at import time). */
export function getClickHouse(): ClickHouseClient {
  holder.tributaryClickHouse ??= createClickHouse({
    url: env.CLICKHOUSE_URL,
    database: env.CLICKHOUSE_DATABASE,
    ...(env.CLICKHOUSE_USER
      ? { username: env.CLICKHOUSE_USER, password: env.CLICKHOUSE_PASSWORD ?? '' }
      : {}),
    application: 'tributary-web',
    // A console poll that takes longer than this is worth an error on screen, not a hang.
    requestTimeoutMs: 10_000,
  });
  return holder.tributaryClickHouse;
}
