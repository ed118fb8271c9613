import type { ClickHouseClient } from '@clickhouse/client';

export interface InsertRowsOptions {
  /**
   * Makes a retried insert of the same batch a no-op on tables with
   * non_replicated_deduplication_window (or replicated tables). Derive it from what identifies
   * the batch, e.g. `${topic}:${partition}:${firstOffset}-${lastOffset}`.
   */
  dedupToken?: string;
  /** Further ClickHouse settings for this insert. */
  settings?: Record<string, string | number | boolean>;
}

/**
 * Inserts rows as JSONEachRow. `writtenRows` is ClickHouse's written_rows: it counts rows the
 * materialized views wrote too, and the embedded server does not lower it when the insert was
 * deduplicated, so never use it to decide whether a batch landed (the insert resolving does).
 */
export async function insertRows<T extends object>(
  client: ClickHouseClient,
  table: string,
  rows: readonly T[],
  options: InsertRowsOptions = {},
): Promise<{ writtenRows: number }> {
  if (rows.length === 0) return { writtenRows: 0 };
  const result = await client.insert({
    table,
    values: rows as T[],
    format: 'JSONEachRow',
    clickhouse_settings: {
      ...options.settings,
      ...(options.dedupToken
        ? { insert_deduplicate: 1, insert_deduplication_token: options.dedupToken }
        : {}),
    },
  });
  return { writtenRows: Number(result.summary?.written_rows ?? rows.length) };
}

/** A DateTime64(3) value as ClickHouse prints it in UTC: '2024-05-06 07:08:09.123'. */
export function toDateTime64(value: Date | number | string): string {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw new RangeError(`Not a valid time: ${String(value)}`);
  return d.toISOString().replace('T', ' ').replace('Z', '');
}
