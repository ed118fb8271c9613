import type { Envelope } from '@tributary/contracts';
import { toDateTime64 } from '@tributary/clickhouse';

/**
 * ClickHouse's DateTime64 text for an ISO time. Ingest always writes `toISOString()` form, so
 * the common case is two slices instead of a Date round trip (measurable at 10k+ rows/s).
 */
export function chTime(value: Date | string): string {
  if (typeof value === 'string' && value.length === 24 && value[10] === 'T' && value[23] === 'Z') {
    return `${value.slice(0, 10)} ${value.slice(11, 23)}`;
  }
  return toDateTime64(value);
}

export interface EventRow {
  event_id: string;
  event_type: string;
  timestamp: string;
  user_id: string | null;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  source: string;
  schema_version: number | null;
  received_at: string;
  processed_at: string;
}

export function toEventRow(e: Envelope, processedAt: Date): EventRow {
  return {
    event_id: e.event_id,
    event_type: e.event_type,
    timestamp: chTime(e.timestamp),
    user_id: e.user_id,
    data: e.data,
    metadata: e.metadata,
    source: e.source,
    schema_version: e.schema_version,
    received_at: chTime(e.received_at),
    processed_at: chTime(processedAt),
  };
}
