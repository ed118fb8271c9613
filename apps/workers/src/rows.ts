import type { Envelope } from '@tributary/contracts';

/** ClickHouse's DateTime64 text form in UTC; parses without best-effort settings. */
export function chTime(d: Date | string): string {
  const iso = typeof d === 'string' ? new Date(d).toISOString() : d.toISOString();
  return iso.replace('T', ' ').replace('Z', '');
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
