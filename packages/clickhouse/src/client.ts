import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';

export interface ClickHouseOptions {
  url: string;
  database?: string;
  username?: string;
  password?: string;
  /** Per-request timeout (default 30 s). */
  requestTimeoutMs?: number;
  /** An identifier that shows up in ClickHouse's query log. */
  application?: string;
}

/**
 * A @clickhouse/client client with the settings every Tributary service relies on, the
 * same against a ClickHouse server and the embedded one:
 * - synchronous inserts (`async_insert: 0`): an insert that returned is durable, which is
 *   what lets workers commit Kafka offsets after it, and insert_deduplication_token only
 *   works on synchronous inserts;
 * - `date_time_input_format: best_effort`: ISO-8601 strings ('2024-05-06T07:08:09.123Z')
 *   are accepted for DateTime64 columns;
 * - `output_format_json_quote_64bit_integers: 0`: counts arrive as JSON numbers whatever
 *   the server's default is (it changed across ClickHouse versions).
 */
export function createClickHouse(options: ClickHouseOptions): ClickHouseClient {
  return createClient({
    url: options.url,
    ...(options.database ? { database: options.database } : {}),
    ...(options.username ? { username: options.username } : {}),
    ...(options.password ? { password: options.password } : {}),
    application: options.application ?? 'tributary',
    request_timeout: options.requestTimeoutMs ?? 30_000,
    // The client drops idle sockets before the server's 10 s keep-alive closes them.
    keep_alive: { enabled: true, idle_socket_ttl: 2_500 },
    clickhouse_settings: {
      async_insert: 0,
      date_time_input_format: 'best_effort',
      // A JSON column infers types per path: a string that looks like a date would be stored
      // as Date/DateTime64 and read back reformatted (an offset turned into UTC, nine digits),
      // so previews and backfills reading stored events would see other text than the workers
      // saw in Kafka. Strings stay strings (docs/decisions/json-date-inference.md).
      input_format_try_infer_dates: 0,
      input_format_try_infer_datetimes: 0,
      output_format_json_quote_64bit_integers: 0,
    },
    log: { level: ClickHouseLogLevel.OFF },
  });
}
