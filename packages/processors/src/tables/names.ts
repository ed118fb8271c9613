import { identifierSchema } from '@tributary/contracts';

/**
 * Where a processor's own output lives. Every name that reaches SQL is checked here again, even
 * though the definition was validated: a name from a stored comment or an API call must not
 * become SQL either.
 */
export interface OutputTarget {
  client: import('@tributary/clickhouse').ClickHouseClient;
  database: string;
}

const DATABASE_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkedDatabase(database: string): string {
  if (!DATABASE_RE.test(database)) throw new Error(`Invalid ClickHouse database name '${database}'`);
  return database;
}

export function checkedIdentifier(name: string): string {
  identifierSchema.parse(name);
  return name;
}

/** The tables of one output: `proc_<table>` (what people query), plus an aggregate's input log and view. */
export function outputTableNames(table: string): { main: string; input: string; view: string } {
  const main = `proc_${checkedIdentifier(table)}`;
  return { main, input: `${main}_input`, view: `${main}_mv` };
}

/** Columns every 'table' output has; declared columns may not reuse them. */
export const tableOutputFixedColumns = [
  'event_id',
  'event_type',
  'source',
  'timestamp',
  'processor_version',
  'inserted_at',
] as const;

/** Columns every 'aggregate' output (and its input log) has. */
export const aggregateFixedColumns = [
  'run',
  'processor_version',
  'window_start',
  'window_end',
  'inserted_at',
] as const;

/** The input log's column for a measure: `m_<name>` (a state column cannot share a name its own argument uses). */
export function measureInputColumn(measure: string): string {
  return `m_${checkedIdentifier(measure)}`;
}

/** A string literal for SQL (only for values the platform wrote itself, such as table comments). */
export function sqlString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
