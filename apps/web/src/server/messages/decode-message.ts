import { decodeEventsMessage, deadLetterSchema, HEADERS, type ProcessorEvent } from '@tributary/contracts';
import type { IncomingMessage } from '@tributary/kafka';
import type { TopicKind } from './frames.ts';

/**
 * A Kafka message as the browser shows and filters it. The events topic carries packed batches
 * of envelopes (packages/contracts events-message.ts), so one message gives many items; the
 * dead-letter and control topics carry one JSON record each. Every item is also given the shape
 * processor expressions see (ProcessorEvent), so one CEL filter works on every topic:
 * - events: the envelope's own fields;
 * - dead letters: event_id/event_type/source of the failed event, `timestamp` = failed_at,
 *   `metadata` = { stage, code, message, attempts, origin_* }, `data` = the original event's data
 *   when its payload is a JSON event;
 * - control: `event_id` = the message key, `event_type` = the record's kind, `data` = the record;
 * - anything else: `data` = the JSON object, or { value: <text> }.
 */
export interface DecodedItem {
  /** What is shown (before pii masking). */
  value: unknown;
  /** What the filter evaluates. */
  event: ProcessorEvent;
  /** The event type whose pii tags apply, if any. */
  eventType: string | null;
  traceparent: string | null;
  undecodable?: string;
}

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/** The trace id of a W3C traceparent, or null when it is absent or malformed. */
export function traceIdOf(traceparent: string | null | undefined): string | null {
  if (!traceparent) return null;
  const m = TRACEPARENT.exec(traceparent.trim().toLowerCase());
  return m?.[1] ?? null;
}

export function decodeMessage(kind: TopicKind, message: IncomingMessage): DecodedItem[] {
  const headerTrace = message.headers[HEADERS.traceparent] ?? null;
  const when = new Date(message.timestamp).toISOString();
  if (kind === 'events') {
    const decoded = decodeEventsMessage(message.value);
    if (!decoded.ok) return [undecodable(message, decoded.reason, headerTrace, when)];
    return decoded.items.map((item) => fromEnvelope(item, headerTrace, when));
  }
  const parsed = parseJson(message.value);
  if (kind === 'dead_letters') {
    const dl = deadLetterSchema.safeParse(parsed.ok ? parsed.value : undefined);
    if (!dl.success)
      return [
        undecodable(message, parsed.ok ? 'not a dead-letter record' : parsed.reason, headerTrace, when),
      ];
    const d = dl.data;
    const original = d.payload_encoding === 'utf8' ? parseJson(Buffer.from(d.payload, 'utf8')) : null;
    const originalData = original?.ok && isRecord(original.value) ? original.value.data : undefined;
    const originalTrace =
      original?.ok && isRecord(original.value) && typeof original.value.traceparent === 'string'
        ? original.value.traceparent
        : null;
    return [
      {
        value: d,
        eventType: d.event_type,
        traceparent: originalTrace ?? headerTrace,
        event: {
          event_id: d.event_id,
          event_type: d.event_type ?? '',
          source: d.source ?? '',
          timestamp: d.failed_at,
          received_at: d.first_failed_at ?? d.failed_at,
          user_id: null,
          data: isRecord(originalData) ? originalData : {},
          metadata: {
            stage: d.stage,
            code: d.code,
            message: d.message,
            attempts: d.attempts,
            origin_topic: d.origin_topic,
            origin_partition: d.origin_partition,
            origin_offset: d.origin_offset,
          },
          derived: {},
        },
      },
    ];
  }
  const value = parsed.ok ? parsed.value : message.value.toString('utf8');
  const data = isRecord(value) ? value : { value };
  const recordKind =
    kind === 'control' && isRecord(value) && typeof value.kind === 'string' ? value.kind : '';
  return [
    {
      value,
      eventType: null,
      traceparent: headerTrace,
      event: base({ event_id: message.key ?? '', event_type: recordKind, data, timestamp: when }),
      ...(kind === 'control' && !parsed.ok ? { undecodable: parsed.reason } : {}),
    },
  ];
}

function fromEnvelope(item: unknown, headerTrace: string | null, when: string): DecodedItem {
  if (!isRecord(item)) {
    return {
      value: item,
      eventType: null,
      traceparent: headerTrace,
      event: base({ timestamp: when }),
      undecodable: 'not an event object',
    };
  }
  // NOTE: a structural read, not a zod parse: this runs per event over 100k+ events a scan, and a
  // field of the wrong type only means the filter sees it as absent (the value is shown as is).
  const eventType = str(item.event_type);
  return {
    value: item,
    eventType: eventType || null,
    traceparent: str(item.traceparent) || headerTrace,
    event: {
      event_id: str(item.event_id),
      event_type: eventType,
      source: str(item.source),
      timestamp: str(item.timestamp) || when,
      received_at: str(item.received_at) || when,
      user_id: typeof item.user_id === 'string' ? item.user_id : null,
      data: isRecord(item.data) ? item.data : {},
      metadata: isRecord(item.metadata) ? item.metadata : {},
      derived: {},
    },
  };
}

function undecodable(
  message: IncomingMessage,
  reason: string,
  traceparent: string | null,
  when: string,
): DecodedItem {
  return {
    value: message.value.toString('utf8'),
    eventType: null,
    traceparent,
    undecodable: reason,
    event: base({ event_id: message.key ?? '', timestamp: when }),
  };
}

function base(p: Partial<ProcessorEvent>): ProcessorEvent {
  const when = p.timestamp ?? '';
  return {
    event_id: '',
    event_type: '',
    source: '',
    user_id: null,
    data: {},
    metadata: {},
    derived: {},
    ...p,
    timestamp: when,
    received_at: p.received_at ?? when,
  };
}

function parseJson(value: Buffer): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(value.toString('utf8')) as unknown };
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
