import { toDateTime64 } from '@tributary/clickhouse';
import type { ProcessorEvent } from '@tributary/contracts';
import { readPath } from './field-path.ts';
import type { AggregateLayout, TableLayout } from './layout.ts';
import { measureInputColumn } from './names.ts';

/**
 * One event's contribution to one window, as the final aggregate step of @tributary/pipeline
 * produces it (an event in hopping windows contributes once per window).
 */
export interface AggregateContribution {
  eventIndex: number;
  /** Epoch milliseconds. */
  windowStart: number;
  windowEnd: number;
  groups: Record<string, string>;
  values: Record<string, number | string | null>;
}

function finiteNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

function timeText(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : toDateTime64(d);
}

/**
 * A declared column's value for ClickHouse. A value that does not fit the column's type is
 * stored as NULL (the column is Nullable); the registry-validated output of a preview shows it.
 */
export function columnValue(type: TableLayout['columns'][number]['type'], value: unknown): unknown {
  switch (type) {
    case 'String':
      return text(value);
    case 'Float64':
      return finiteNumber(value);
    case 'Int64': {
      const n = finiteNumber(value);
      return n !== null && Number.isSafeInteger(Math.trunc(n)) ? Math.trunc(n) : null;
    }
    case 'Bool':
      return typeof value === 'boolean' ? value : null;
    case 'DateTime64':
      return timeText(value);
  }
}

export function tableOutputRow(
  layout: TableLayout,
  version: number,
  event: ProcessorEvent,
): Record<string, unknown> {
  const row: Record<string, unknown> = {
    event_id: event.event_id,
    event_type: event.event_type,
    source: event.source,
    timestamp: toDateTime64(event.timestamp),
    processor_version: version,
  };
  for (const c of layout.columns) row[c.name] = columnValue(c.type, readPath(event, c.field));
  return row;
}

/** An input-log row: the contribution's window, groups and per-measure values. */
export function contributionRow(
  layout: AggregateLayout,
  version: number,
  run: string,
  c: AggregateContribution,
): Record<string, unknown> {
  const row: Record<string, unknown> = {
    run,
    processor_version: version,
    window_start: toDateTime64(c.windowStart),
    window_end: toDateTime64(c.windowEnd),
  };
  // A missing group value is the empty string: the key columns are not Nullable.
  for (const g of layout.groupBy) row[g.name] = c.groups[g.name] ?? '';
  for (const m of layout.measures) {
    if (m.fn === 'count') continue;
    const value = c.values[m.name];
    row[measureInputColumn(m.name)] = m.fn === 'uniq' ? text(value) : finiteNumber(value);
  }
  return row;
}
