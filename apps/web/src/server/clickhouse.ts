import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { env } from '../env.ts';

// NOTE: temporary until @tributary/clickhouse exports createClickHouse.
const holder = globalThis as unknown as { tributaryClickHouse?: ClickHouseClient };

/** One client per server process (also across dev hot reloads); created on first use. */
export function getClickHouse(): ClickHouseClient {
  holder.tributaryClickHouse ??= createClient({ url: env.CLICKHOUSE_URL, database: env.CLICKHOUSE_DATABASE });
  return holder.tributaryClickHouse;
}
