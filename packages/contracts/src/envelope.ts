import { z } from 'zod';

/** Limits on a single event, shared by ingest (enforcement) and docs/tests (expectations). */
export const EVENT_LIMITS = {
  maxEventIdLength: 128,
  maxEventTypeLength: 128,
  maxUserIdLength: 256,
  /** Nesting deeper than this is refused: deep JSON is a cheap way to burn CPU downstream. */
  maxDepth: 32,
} as const;

/**
 * The event a producer sends. ingest validates it with a compiled ajv validator built from the
 * JSON Schema below (fast path); this zod schema is the typed description the rest of the
 * code shares and is what tests and the console validate with.
 */
export const incomingEventSchema = z.object({
  event_id: z.string().min(1).max(EVENT_LIMITS.maxEventIdLength).optional(),
  event_type: z
    .string()
    .min(1)
    .max(EVENT_LIMITS.maxEventTypeLength)
    .regex(/^[A-Za-z0-9_.:-]+$/),
  timestamp: z.iso.datetime({ offset: true }).optional(),
  user_id: z.string().max(EVENT_LIMITS.maxUserIdLength).nullable().optional(),
  data: z.record(z.string(), z.unknown()).default({}),
  metadata: z.record(z.string(), z.unknown()).default({}),
  schema_version: z.number().int().positive().optional(),
});
export type IncomingEvent = z.input<typeof incomingEventSchema>;

/** Which dead-letter entry a replayed event comes from. */
export const replayMarkSchema = z.object({
  replay_id: z.string(),
  dead_letter_id: z.string(),
  /** The entry's attempts (failures so far). */
  attempts: z.number().int().min(1),
  first_failed_at: z.string(),
});
export type ReplayMark = z.infer<typeof replayMarkSchema>;

/**
 * What travels on the events topic: the producer's event made complete (event_id and
 * timestamp filled in) plus what ingest knows about it.
 */
export const envelopeSchema = z.object({
  event_id: z.string().min(1),
  event_type: z.string().min(1),
  timestamp: z.string(),
  user_id: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  metadata: z.record(z.string(), z.unknown()),
  schema_version: z.number().int().nullable(),
  source: z.string(),
  write_key_id: z.string(),
  /** ISO time at which ingest received the request. */
  received_at: z.string(),
  /** W3C trace context of the ingest request, so the worker's span can link to it. */
  traceparent: z.string().optional(),
  /** Present on a replayed event: lets a stage that fails it again raise the entry's attempts. */
  replay: replayMarkSchema.optional(),
});
export type Envelope = z.infer<typeof envelopeSchema>;
