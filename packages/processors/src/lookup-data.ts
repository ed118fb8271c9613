import type { LookupTableData } from '@tributary/pipeline';
import { z } from 'zod';

// What lookup-tables.ts writes to lookup_table_versions (columns, rows): read back checked.
const columnsJson = z.array(z.string());
const rowsJson = z.record(z.string(), z.record(z.string(), z.string()));

export interface StoredLookupVersion {
  version: number;
  keyColumn: string;
  columns: unknown;
  rows: unknown;
}

/** A stored lookup table version as the enrich_lookup step reads it. */
export function lookupDataOf(name: string, row: StoredLookupVersion): LookupTableData {
  return {
    name,
    version: row.version,
    keyColumn: row.keyColumn,
    columns: columnsJson.parse(row.columns),
    rows: new Map(Object.entries(rowsJson.parse(row.rows))),
  };
}

/** The stored form of a parsed table: rows keyed by their key column's value. */
export function storedRowsOf(table: LookupTableData): Record<string, Record<string, string>> {
  return Object.fromEntries(table.rows);
}
