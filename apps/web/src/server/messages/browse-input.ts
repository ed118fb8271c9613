import { z } from 'zod';

/**
 * What one message-browser request may ask for, and the limits every request runs under. Client-
 * safe (zod only): the component builds its request with the same schema the route checks.
 */
export const BROWSE_LIMITS = {
  /** Results one request returns at most (the caller may ask for fewer). */
  maxResults: 1000,
  defaultResults: 100,
  /** Kafka messages one request reads at most, whatever the filter matches. */
  maxScannedMessages: 2_000_000,
  /** Wall-clock time one request scans at most. */
  maxScanMs: 30_000,
  /** Bytes of results (NDJSON lines) one request returns at most. */
  maxResultBytes: 8 << 20,
  /** Scans one person or API key may have running at once. */
  maxConcurrentPerActor: 3,
  /** "Newest": the last N messages of each partition, N at most this. */
  maxNewest: 100_000,
  defaultNewest: 1000,
} as const;

export const browseStartSchema = z.discriminatedUnion('kind', [
  /** The log start of each partition. */
  z.object({ kind: z.literal('earliest') }),
  /** This offset in each selected partition (clamped to what the partition holds). */
  z.object({
    kind: z.literal('offset'),
    offset: z.string().regex(/^\d{1,19}$/, 'an offset is a whole number'),
  }),
  /** The first message at or after this time in each partition. */
  z.object({ kind: z.literal('time'), at: z.iso.datetime({ offset: true }) }),
  /** The last `count` messages of each partition. */
  z.object({
    kind: z.literal('newest'),
    count: z.number().int().min(1).max(BROWSE_LIMITS.maxNewest).default(BROWSE_LIMITS.defaultNewest),
  }),
]);
export type BrowseStart = z.infer<typeof browseStartSchema>;

export const browseRequestSchema = z.object({
  topic: z.string().min(1).max(249),
  /** Absent or empty: every partition. */
  partitions: z.array(z.number().int().min(0).max(100_000)).max(1000).default([]),
  start: browseStartSchema.default({ kind: 'newest', count: BROWSE_LIMITS.defaultNewest }),
  maxResults: z.number().int().min(1).max(BROWSE_LIMITS.maxResults).default(BROWSE_LIMITS.defaultResults),
  /** A CEL expression over the event (the processors' filter language); empty: every event. */
  filter: z.string().max(2000).default(''),
});
export type BrowseRequest = z.infer<typeof browseRequestSchema>;
export type BrowseRequestInput = z.input<typeof browseRequestSchema>;
