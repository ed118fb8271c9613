import { selectRows, type QueryTarget } from '@tributary/clickhouse';
import type { DashboardVariable } from '@tributary/contracts';
import { z } from 'zod';
import { fieldValue } from './fields.ts';

/** How many values a variable suggests: the most frequent ones in the range. */
export const VARIABLE_VALUES_LIMIT = 50;

/**
 * The values a dashboard variable suggests, most frequent first, over a range: event types and
 * sources from the hourly rollup (a few rows per hour), a field's values from the raw events
 * (bounded: 10 s, 50M rows read; a wide range on a big table gets a plain refusal instead).
 */
export async function variableValues(
  target: QueryTarget,
  variable: Pick<DashboardVariable, 'kind' | 'field'>,
  range: { from: number; to: number },
  signal?: AbortSignal,
): Promise<string[]> {
  const row = z.object({ v: z.string() });
  const settings = { max_execution_time: 10, max_rows_to_read: String(50_000_000) };
  if (variable.kind === 'event_type' || variable.kind === 'source') {
    const column = variable.kind;
    const rows = await selectRows(
      target,
      `SELECT toString(${column}) AS v FROM {db:Identifier}.rollup_events_1h
       WHERE bucket >= toStartOfHour(fromUnixTimestamp64Milli({from:Int64}, 'UTC'))
         AND bucket < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
       GROUP BY v ORDER BY countMerge(events) DESC, v LIMIT {limit:UInt32}`,
      { from: range.from, to: range.to, limit: VARIABLE_VALUES_LIMIT },
      row,
      { settings, signal },
    );
    return rows.map((r) => r.v);
  }
  if (!variable.field) return [];
  const rows = await selectRows(
    target,
    `SELECT ${fieldValue(variable.field)} AS v FROM {db:Identifier}.events
     WHERE timestamp >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
       AND timestamp < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
       AND v IS NOT NULL AND v != ''
     GROUP BY v ORDER BY count() DESC, v LIMIT {limit:UInt32}`,
    { from: range.from, to: range.to, limit: VARIABLE_VALUES_LIMIT },
    row,
    { settings, signal },
  );
  return rows.map((r) => r.v);
}
