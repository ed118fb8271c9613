export { createClickHouse, type ClickHouseOptions } from './client.ts';
export {
  migrate,
  loadMigrations,
  MigrationError,
  defaultMigrationsDir,
  type MigrateResult,
  type MigrationFile,
} from './migrate.ts';
export { insertRows, toDateTime64, type InsertRowsOptions } from './insert.ts';
export { waitForPing } from './ping.ts';
export { splitStatements } from './sql-split.ts';
export { ClickHouseError, type ClickHouseClient } from '@clickhouse/client';
export { selectRows, type QueryTarget } from './select.ts';
