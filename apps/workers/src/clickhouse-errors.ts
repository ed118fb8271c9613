import { ClickHouseError } from '@tributary/clickhouse';

// Server-side codes that say "try again later", not "this data is bad": overload, timeouts,
// and a missing table/database (a deployment problem that must not dead-letter events).
const TRANSIENT_CODES = new Set([
  '3', // UNEXPECTED_END_OF_FILE (connection cut mid-request)
  '60', // UNKNOWN_TABLE
  '81', // UNKNOWN_DATABASE
  '159', // TIMEOUT_EXCEEDED
  '164', // READONLY
  '202', // TOO_MANY_SIMULTANEOUS_QUERIES
  '203', // NO_FREE_CONNECTION
  '209', // SOCKET_TIMEOUT
  '210', // NETWORK_ERROR
  '241', // MEMORY_LIMIT_EXCEEDED
  '242', // TABLE_IS_READ_ONLY
  '252', // TOO_MANY_PARTS
  '319', // UNKNOWN_STATUS_OF_INSERT
  '425', // SYSTEM_ERROR
]);

/** Anything that is not ClickHouse rejecting the data itself is worth retrying. */
export function isTransientClickHouseError(err: unknown): boolean {
  if (err instanceof ClickHouseError) return TRANSIENT_CODES.has(err.code);
  return true;
}
