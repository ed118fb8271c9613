import { randomUUID } from 'node:crypto';
import type { DeadLetter, Envelope } from '@tributary/contracts';
import { validateEvent } from './validate-event.ts';
import type { SchemaRules } from './schema-rules.ts';

/** One event as it arrived: its parsed value and its own text (kept for dead letters). */
export interface RawEvent {
  value: unknown;
  readonly text: string;
  /** Nesting depth when the caller already measured it. */
  depth?: number;
}

/** Who sent the events: the write key and its source. */
export interface EventOrigin {
  id: string;
  sourceName: string;
}

export type RejectCode = 'invalid_envelope' | 'unknown_event_type' | 'schema_violation';

export type EventResult =
  | { index: number; event_id: string; status: 'accepted' }
  | { index: number; event_id: string; status: 'rejected'; code: RejectCode; reasons: string[] };

/** An event accepted although its data failed its schema (the subject is in observe mode). */
export interface ObservedViolation {
  index: number;
  event_id: string;
  subject: string;
  version: number;
  reasons: string[];
}

export interface Sorted {
  accepted: Envelope[];
  deadLetters: DeadLetter[];
  results: EventResult[];
  /** Schema violations per subject in enforce mode (rejected), for metrics. */
  rejectedViolations: Map<string, number>;
  observed: ObservedViolation[];
}

/**
 * Splits a request's events into envelopes for the events topic and dead letters for the
 * rejected ones, checking each event's data against its subject's schema when `rules` are
 * given. Pure: the caller owns Kafka and the response.
 */
export function sortEvents(
  events: RawEvent[],
  key: EventOrigin,
  receivedAt: Date,
  traceparent?: string,
  rules?: SchemaRules,
): Sorted {
  const received_at = receivedAt.toISOString();
  const accepted: Envelope[] = [];
  const deadLetters: DeadLetter[] = [];
  const results: EventResult[] = [];
  const rejectedViolations = new Map<string, number>();
  const observed: ObservedViolation[] = [];

  function reject(
    raw: RawEvent,
    index: number,
    code: RejectCode,
    reasons: string[],
    extra: { message?: string; schema_version?: number; details?: Record<string, unknown> } = {},
  ) {
    // An id even when the producer sent none, so a replay of this entry is idempotent; the
    // answer names it, so the producer can find the entry in the dead-letter store.
    const eventId = stringField(raw.value, 'event_id') ?? randomUUID();
    deadLetters.push({
      id: randomUUID(),
      event_id: eventId,
      stage: 'ingest',
      code,
      message: extra.message ?? reasons.join('; '),
      details: { reasons, index, ...extra.details },
      payload: raw.text,
      payload_encoding: 'utf8',
      source: key.sourceName,
      write_key_id: key.id,
      event_type: stringField(raw.value, 'event_type'),
      schema_version: extra.schema_version ?? null,
      origin_topic: null,
      origin_partition: null,
      origin_offset: null,
      failed_at: received_at,
      attempts: 1,
    });
    results.push({ index, event_id: eventId, status: 'rejected', code, reasons });
  }

  events.forEach((raw, index) => {
    const checked = validateEvent(raw.value, raw.depth);
    if (!checked.ok) {
      reject(raw, index, 'invalid_envelope', checked.reasons);
      return;
    }
    const e = checked.event;
    let schema_version = e.schema_version ?? null;
    if (rules) {
      const verdict = rules.check(key.sourceName, e.event_type, e.data ?? {}, e.schema_version);
      if (verdict.ok) {
        schema_version = verdict.version;
      } else if (verdict.code === 'unknown_event_type') {
        reject(raw, index, verdict.code, verdict.reasons);
        return;
      } else if (verdict.enforcement === 'enforce') {
        rejectedViolations.set(verdict.subject, (rejectedViolations.get(verdict.subject) ?? 0) + 1);
        reject(raw, index, verdict.code, verdict.reasons, {
          message: `data does not match schema ${verdict.subject} v${verdict.version}: ${verdict.reasons.join('; ')}`,
          schema_version: verdict.version,
          details: { subject: verdict.subject, version: verdict.version },
        });
        return;
      } else {
        // Observed, not enforced: the event goes on, marked as matching no version.
        schema_version = null;
        observed.push({
          index,
          event_id: e.event_id ?? '',
          subject: verdict.subject,
          version: verdict.version,
          reasons: verdict.reasons,
        });
      }
    }
    const event_id = e.event_id ?? randomUUID();
    const last = observed.at(-1);
    if (last && last.index === index) last.event_id = event_id;
    accepted.push({
      event_id,
      event_type: e.event_type,
      timestamp: e.timestamp ? new Date(e.timestamp).toISOString() : received_at,
      user_id: e.user_id ?? null,
      data: e.data ?? {},
      metadata: e.metadata ?? {},
      schema_version,
      source: key.sourceName,
      write_key_id: key.id,
      received_at,
      ...(traceparent ? { traceparent } : {}),
    });
    results.push({ index, event_id, status: 'accepted' });
  });

  return { accepted, deadLetters, results, rejectedViolations, observed };
}

function stringField(value: unknown, name: string): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = (value as Record<string, unknown>)[name];
  return typeof v === 'string' ? v.slice(0, 256) : null;
}
