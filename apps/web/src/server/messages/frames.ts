import { z } from 'zod';

/**
 * The message browser's stream: one JSON object per line (NDJSON), in this order: `started`, then
 * `event` and `progress` lines as the scan goes, then exactly one `end` (or `error`). Client-safe
 * (zod only): the component validates every line it reads with `browseFrameSchema`.
 */

/** How a topic's messages are read: packed event batches, dead-letter records, control records, or anything else. */
export const topicKinds = ['events', 'dead_letters', 'control', 'raw'] as const;
export type TopicKind = (typeof topicKinds)[number];

export const partitionProgressSchema = z.object({
  partition: z.number().int(),
  /** Next offset to read. */
  position: z.string(),
  /** Where this scan stops: the partition's end when it started. */
  end: z.string(),
});

export const progressSchema = z.object({
  /** Kafka messages read. */
  scanned: z.number().int(),
  /** Of those, messages left undecoded: their bytes lack a text the filter requires (required-literals.ts). */
  skipped: z.number().int(),
  /** Events unpacked from the rest (a packed events message holds many). */
  events: z.number().int(),
  matched: z.number().int(),
  /** Events the filter could not be evaluated on (e.g. a field that is absent); counted as not matching. */
  evalErrors: z.number().int(),
  /** Bytes of results sent so far. */
  bytes: z.number().int(),
  elapsedMs: z.number(),
  partitions: z.array(partitionProgressSchema),
});
export type BrowseProgress = z.infer<typeof progressSchema>;

export const browsedEventSchema = z.object({
  partition: z.number().int(),
  offset: z.string(),
  /** Position of the event inside its (packed) message, and how many the message holds. */
  index: z.number().int(),
  of: z.number().int(),
  /** The message's broker timestamp, epoch ms. */
  timestamp: z.number(),
  key: z.string().nullable(),
  headers: z.record(z.string(), z.string()),
  /** W3C trace id from the envelope's traceparent, else the message's traceparent header. */
  traceId: z.string().nullable(),
  /** The event (pii masked for callers without pii:read), dead letter, control record or raw value. */
  value: z.unknown(),
  /** Set when the message could not be decoded as its topic's kind; value then holds its text. */
  undecodable: z.string().optional(),
});
export type BrowsedEvent = z.infer<typeof browsedEventSchema>;

export const endReasons = [
  /** Every selected partition was read to where it ended when the scan started. */
  'done',
  'max_results',
  'max_scanned',
  'max_time',
  'max_bytes',
  /** The caller stopped (Stop button, closed tab, aborted request). */
  'stopped',
] as const;
export type EndReason = (typeof endReasons)[number];

export const browseFrameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('started'),
    topic: z.string(),
    kind: z.enum(topicKinds),
    filter: z.string(),
    partitions: z.array(z.object({ partition: z.number().int(), from: z.string(), end: z.string() })),
  }),
  z.object({ type: z.literal('event'), event: browsedEventSchema }),
  z.object({ type: z.literal('progress'), progress: progressSchema }),
  z.object({
    type: z.literal('end'),
    reason: z.enum(endReasons),
    progress: progressSchema,
    /** The first filter evaluation error, to explain a non-zero evalErrors. */
    firstEvalError: z.string().nullable(),
  }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type BrowseFrame = z.infer<typeof browseFrameSchema>;
