import { toDateTime64 } from '@tributary/clickhouse';
import { z } from 'zod';
import { measureMergeExpression } from './ddl.ts';
import { readOutputLayout } from './ensure-tables.ts';
import { LIVE_RUN } from './insert-output.ts';
import { OutputTableError } from './layout.ts';
import { checkedDatabase, outputTableNames, type OutputTarget } from './names.ts';

export interface AggregateRange {
  /** Windows starting at or after `from` and before `to`. */
  from: Date | number;
  to: Date | number;
  /** The row set: live (default) or a backfill's run. */
  run?: string;
  /** Only these processor versions (default: all, merged). */
  versions?: number[];
  /** Default 100,000 rows. */
  limit?: number;
}

export interface AggregateRow {
  /** Epoch milliseconds. */
  windowStart: number;
  windowEnd: number;
  groups: Record<string, string>;
  /** count/uniq: integers; sum/avg/min/max: number or null (no value); quantiles: one per level. */
  values: Record<string, number | null | (number | null)[]>;
}

const numberOrNull = z.union([z.number(), z.null(), z.string()]).transform((v) => {
  if (v === null) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
});

/**
 * The final values of an aggregate output over a time range: states are merged (countMerge,
 * uniqExactMerge, …), so a window flushed in many batches reads as one. Versions are merged
 * unless `versions` picks some.
 */
export async function readAggregate(
  target: OutputTarget,
  table: string,
  range: AggregateRange,
): Promise<AggregateRow[]> {
  const db = checkedDatabase(target.database);
  const layout = await readOutputLayout(target, table);
  if (layout?.kind !== 'aggregate') throw new OutputTableError(`'${table}' is not an aggregate output table`);
  const { main } = outputTableNames(table);
  const groups = layout.groupBy.map((g) => g.name);
  // Aliases start with _: identifiers cannot, so they never shadow a column.
  const select = [
    'toUnixTimestamp64Milli(window_start) AS _ws',
    'toUnixTimestamp64Milli(window_end) AS _we',
    ...groups.map((g) => `${g} AS _g_${g}`),
    ...layout.measures.map((m) => `${measureMergeExpression(m)} AS _m_${m.name}`),
  ];
  const where = [
    'run = {run:String}',
    "window_start >= {from:DateTime64(3, 'UTC')}",
    "window_start < {to:DateTime64(3, 'UTC')}",
    ...(range.versions ? ['processor_version IN {versions:Array(UInt32)}'] : []),
  ];
  const keys = ['window_start', 'window_end', ...groups];
  const query = `SELECT ${select.join(', ')}
FROM ${db}.${main}
WHERE ${where.join(' AND ')}
GROUP BY ${keys.join(', ')}
ORDER BY ${keys.join(', ')}
LIMIT {limit:UInt32}`;
  const result = await target.client.query({
    query,
    query_params: {
      run: range.run ?? LIVE_RUN,
      from: toDateTime64(range.from),
      to: toDateTime64(range.to),
      limit: range.limit ?? 100_000,
      ...(range.versions ? { versions: range.versions } : {}),
    },
    format: 'JSONEachRow',
    clickhouse_settings: {
      output_format_json_quote_64bit_integers: 0,
      output_format_json_quote_denormals: 0,
    },
  });
  const raw = z.array(z.record(z.string(), z.unknown())).parse(await result.json());
  return raw.map((r) => {
    const groupValues: Record<string, string> = {};
    for (const g of groups) groupValues[g] = z.string().parse(r[`_g_${g}`]);
    const values: AggregateRow['values'] = {};
    for (const m of layout.measures) {
      const v = r[`_m_${m.name}`];
      values[m.name] = m.fn === 'quantiles' ? z.array(numberOrNull).parse(v) : numberOrNull.parse(v);
    }
    return {
      windowStart: z.number().parse(r._ws),
      windowEnd: z.number().parse(r._we),
      groups: groupValues,
      values,
    };
  });
}
