import { parse } from 'csv-parse/sync';
import type { LookupTableData } from './types.ts';

/** Limits on an uploaded lookup table: it is held in every worker's memory. */
export const LOOKUP_LIMITS = {
  maxBytes: 10 * 1024 * 1024,
  maxRows: 200_000,
  maxColumns: 50,
  maxCellLength: 2000,
} as const;

/** Column names are read as paths (`derived.plan_info.tier`), so they follow the path rules. */
const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_ERRORS = 50;

export type LookupCsvResult =
  | { ok: true; table: LookupTableData }
  | { ok: false; errors: Array<{ line: number; message: string }> };

/**
 * Parses a CSV whose first line names the columns, indexed by `keyColumn`. Any broken row
 * (bad quoting, a different number of fields, an empty or repeated key, an oversized cell)
 * refuses the whole table, with the line of each problem: a half-loaded table would silently
 * enrich some events and not others.
 */
export function parseLookupCsv(
  name: string,
  version: number,
  csvText: string,
  keyColumn: string,
): LookupCsvResult {
  const errors: Array<{ line: number; message: string }> = [];
  const fail = (line: number, message: string) => {
    if (errors.length < MAX_ERRORS) errors.push({ line, message });
  };
  if (Buffer.byteLength(csvText, 'utf8') > LOOKUP_LIMITS.maxBytes) {
    return {
      ok: false,
      errors: [{ line: 0, message: `the file is larger than ${LOOKUP_LIMITS.maxBytes} bytes` }],
    };
  }
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(csvText, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      skip_records_with_error: true,
      info: true,
      on_skip: (err: { lines?: number; message: string } | undefined) => {
        if (err) fail(err.lines ?? 0, err.message);
      },
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (err) {
    const e = err as { lines?: number; message?: string };
    return { ok: false, errors: [...errors, { line: e.lines ?? 0, message: e.message ?? String(err) }] };
  }
  const [header, ...body] = records;
  if (!header)
    return { ok: false, errors: errors.length > 0 ? errors : [{ line: 1, message: 'the file is empty' }] };
  const columns = header.record.map((c) => c.trim());
  const headerLine = header.info.lines;
  if (columns.length > LOOKUP_LIMITS.maxColumns)
    fail(headerLine, `more than ${LOOKUP_LIMITS.maxColumns} columns`);
  const seen = new Set<string>();
  for (const c of columns) {
    if (!COLUMN_NAME.test(c) || FORBIDDEN.has(c)) {
      fail(
        headerLine,
        `column name ${JSON.stringify(c)}: use letters, digits and _, starting with a letter or _`,
      );
    } else if (seen.has(c)) fail(headerLine, `column ${c} appears twice`);
    seen.add(c);
  }
  const keyAt = columns.indexOf(keyColumn);
  if (keyAt < 0)
    fail(headerLine, `no key column ${JSON.stringify(keyColumn)} (columns: ${columns.join(', ')})`);
  if (body.length > LOOKUP_LIMITS.maxRows) fail(0, `more than ${LOOKUP_LIMITS.maxRows} rows`);
  const rows = new Map<string, Record<string, string>>();
  const lineOfKey = new Map<string, number>();
  if (errors.length === 0) {
    for (const { record, info } of body) {
      if (record.length !== columns.length) {
        fail(info.lines, `${record.length} fields, the header has ${columns.length}`);
        continue;
      }
      const key = record[keyAt]!;
      if (key === '') {
        fail(info.lines, `empty key (${keyColumn})`);
        continue;
      }
      const earlier = lineOfKey.get(key);
      if (earlier !== undefined) {
        fail(info.lines, `key ${JSON.stringify(key)} repeats line ${earlier}`);
        continue;
      }
      if (record.some((cell) => cell.length > LOOKUP_LIMITS.maxCellLength)) {
        fail(info.lines, `a field is longer than ${LOOKUP_LIMITS.maxCellLength} characters`);
        continue;
      }
      const row: Record<string, string> = {};
      columns.forEach((c, i) => (row[c] = record[i]!));
      rows.set(key, Object.freeze(row));
      lineOfKey.set(key, info.lines);
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, table: { name, version, keyColumn, columns, rows } };
}
