import { randomUUID } from 'node:crypto';
import type { DeadLetter, Envelope } from '@tributary/contracts';
import type { RawEvent } from './body.ts';
import type { KeyInfo } from './write-keys.ts';
import { validateEvent } from './validate.ts';

export type EventResult =
  | { index: number; event_id: string; status: 'accepted' }
  | { index: number; event_id: string | null; status: 'rejected'; reasons: string[] };

export interface Sorted {
  accepted: Envelope[];
  deadLetters: DeadLetter[];
  results: EventResult[];
}

/**
 * Splits a request's events into envelopes for the events topic and dead letters for the
 * rejected ones. Pure: the caller owns Kafka and the response.
 */
export function sortEvents(events: RawEvent[], key: KeyInfo, receivedAt: Date, traceparent?: string): Sorted {
  const received_at = receivedAt.toISOString();
  const accepted: Envelope[] = [];
  const deadLetters: DeadLetter[] = [];
  const results: EventResult[] = [];

  events.forEach((raw, index) => {
    const checked = validateEvent(raw.value, raw.depth);
    if (checked.ok) {
      const e = checked.event;
      const event_id = e.event_id ?? randomUUID();
      accepted.push({
        event_id,
        event_type: e.event_type,
        timestamp: e.timestamp ? new Date(e.timestamp).toISOString() : received_at,
        user_id: e.user_id ?? null,
        data: e.data ?? {},
        metadata: e.metadata ?? {},
        schema_version: e.schema_version ?? null,
        source: key.sourceName,
        write_key_id: key.id,
        received_at,
        ...(traceparent ? { traceparent } : {}),
      });
      results.push({ index, event_id, status: 'accepted' });
      return;
    }
    const claimedId = stringField(raw.value, 'event_id');
    deadLetters.push({
      id: randomUUID(),
      event_id: claimedId ?? '',
      stage: 'ingest',
      code: 'invalid_envelope',
      message: checked.reasons.join('; '),
      details: { reasons: checked.reasons, index },
      payload: raw.text,
      payload_encoding: 'utf8',
      source: key.sourceName,
      write_key_id: key.id,
      event_type: stringField(raw.value, 'event_type'),
      schema_version: null,
      origin_topic: null,
      origin_partition: null,
      origin_offset: null,
      failed_at: received_at,
      attempts: 1,
    });
    results.push({ index, event_id: claimedId, status: 'rejected', reasons: checked.reasons });
  });

  return { accepted, deadLetters, results };
}

function stringField(value: unknown, name: string): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = (value as Record<string, unknown>)[name];
  return typeof v === 'string' ? v.slice(0, 256) : null;
}
