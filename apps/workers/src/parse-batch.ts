import { randomUUID } from 'node:crypto';
import { decodeEventsMessage, envelopeSchema, type DeadLetter, type Envelope } from '@tributary/contracts';
import type { Batch, IncomingMessage } from '@tributary/kafka';

/** One envelope of an events message, with where it came from. */
export interface Parsed {
  message: IncomingMessage;
  /** Position inside the message's array. */
  index: number;
  envelope: Envelope;
}

/**
 * Splits a batch's messages into valid envelopes and dead letters (stage "worker") for what
 * cannot be an event. Pure: nothing is sent or written here.
 */
export function parseBatch(batch: Batch): { parsed: Parsed[]; deadLetters: DeadLetter[] } {
  const parsed: Parsed[] = [];
  const deadLetters: DeadLetter[] = [];
  for (const message of batch.messages) {
    const decoded = decodeEventsMessage(message.value);
    if (!decoded.ok) {
      deadLetters.push(
        deadLetterFor(message, { stage: 'worker', code: 'invalid_envelope', reason: decoded.reason }),
      );
      continue;
    }
    decoded.items.forEach((item, index) => {
      const result = envelopeSchema.safeParse(item);
      if (result.success) {
        parsed.push({ message, index, envelope: result.data });
        return;
      }
      const reason = result.error.issues
        .map((i) => `${i.path.join('.') || 'envelope'}: ${i.message}`)
        .join('; ');
      deadLetters.push(
        deadLetterFor(message, {
          stage: 'worker',
          code: 'invalid_envelope',
          reason,
          payload: JSON.stringify(item) ?? 'null',
          index: decoded.items.length > 1 ? index : undefined,
        }),
      );
    });
  }
  return { parsed, deadLetters };
}

/**
 * A dead letter for (part of) an events message. `payload` is the envelope's own JSON when the
 * message held several; otherwise the message's original bytes.
 */
export function deadLetterFor(
  message: IncomingMessage,
  f: {
    stage: 'worker' | 'sink' | 'processor';
    code: string;
    reason: string;
    envelope?: Envelope;
    payload?: string;
    index?: number;
    /** More about the failure (e.g. which processor version dead-lettered it). */
    details?: Record<string, unknown>;
  },
): DeadLetter {
  let payload = f.payload;
  let encoding: 'utf8' | 'base64' = 'utf8';
  if (payload === undefined) {
    const text = message.value.toString('utf8');
    const isUtf8 = Buffer.from(text, 'utf8').equals(message.value);
    payload = isUtf8 ? text : message.value.toString('base64');
    encoding = isUtf8 ? 'utf8' : 'base64';
  }
  const raw = asRecord(f.payload !== undefined ? safeJson(f.payload) : null);
  const failedAt = new Date().toISOString();
  // A replayed event failing again: the same story continues, one attempt further.
  const replay = f.envelope?.replay;
  return {
    id: randomUUID(),
    event_id: f.envelope?.event_id ?? stringOf(raw?.event_id) ?? message.key ?? '',
    stage: f.stage,
    code: f.code,
    message: f.reason,
    ...(f.index !== undefined || f.details
      ? { details: { ...f.details, ...(f.index !== undefined ? { index_in_message: f.index } : {}) } }
      : {}),
    payload,
    payload_encoding: encoding,
    source: f.envelope?.source ?? stringOf(raw?.source) ?? message.headers['tributary-source'] ?? null,
    write_key_id: f.envelope?.write_key_id ?? stringOf(raw?.write_key_id) ?? null,
    event_type: f.envelope?.event_type ?? stringOf(raw?.event_type) ?? null,
    schema_version: f.envelope?.schema_version ?? null,
    origin_topic: message.topic,
    origin_partition: message.partition,
    origin_offset: message.offset,
    failed_at: failedAt,
    first_failed_at: replay?.first_failed_at ?? failedAt,
    attempts: replay ? replay.attempts + 1 : 1,
    replay_of: replay?.dead_letter_id ?? null,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function asRecord(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function stringOf(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
