import { z } from 'zod';
import { deadLetterStages, deadLetterStatuses } from './dead-letter.ts';

/**
 * Inputs and outputs of the dead-letter console (tRPC) and of the functions behind it.
 * Filters are checked here, before any query runs: a value the store could never hold (a
 * control character, a malformed name) is refused with a message saying which field and why.
 */

// Control characters (but tab) and lone surrogates cannot be typed into a filter on purpose.
const ODD_CHARACTERS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000a-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const searchText = (field: string, max: number) =>
  z
    .string()
    .max(max, `${field} is limited to ${max} characters`)
    .refine((s) => !ODD_CHARACTERS.test(s), `${field} contains control or unpaired characters`);

const nameLike = (field: string) =>
  z
    .string()
    .min(1)
    .max(128, `${field} is limited to 128 characters`)
    .regex(/^[A-Za-z0-9_.:-]+$/, `${field} may only contain A-Z a-z 0-9 _ . : -`);

export const dlqFilterSchema = z
  .object({
    /** ISO times bounding failed_at; default: the last 24 hours. */
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    stages: z.array(z.enum(deadLetterStages)).max(3).optional(),
    codes: z
      .array(z.string().regex(/^[a-z_]{1,64}$/, 'error codes are lower-case words joined by _'))
      .max(20)
      .optional(),
    eventType: nameLike('event type').optional(),
    source: nameLike('source').optional(),
    status: z.enum(deadLetterStatuses).optional(),
    /** Case-insensitive text that must occur in the original payload. */
    text: searchText('payload text', 200).optional(),
    /** An exact failure reason (a group of the grouped view). */
    reason: searchText('reason', 4000).optional(),
  })
  .refine((f) => !f.from || !f.to || Date.parse(f.from) <= Date.parse(f.to), {
    message: "the time range's start is after its end",
  });
export type DlqFilter = z.infer<typeof dlqFilterSchema>;

export const dlqCursorSchema = z.object({ failedAt: z.string(), id: z.string() });
export type DlqCursor = z.infer<typeof dlqCursorSchema>;

export const dlqListInputSchema = z.object({
  filter: dlqFilterSchema,
  cursor: dlqCursorSchema.nullish(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const dlqEntrySummarySchema = z.object({
  id: z.string(),
  event_id: z.string(),
  stage: z.enum(deadLetterStages),
  code: z.string(),
  message: z.string(),
  event_type: z.string().nullable(),
  source: z.string().nullable(),
  schema_version: z.number().nullable(),
  failed_at: z.string(),
  first_failed_at: z.string(),
  attempts: z.number(),
  status: z.enum(deadLetterStatuses),
  payload_preview: z.string(),
});
export type DlqEntrySummary = z.infer<typeof dlqEntrySummarySchema>;

export const dlqPageSchema = z.object({
  entries: z.array(dlqEntrySummarySchema),
  nextCursor: dlqCursorSchema.nullable(),
  /** Entries matching the filter in all. */
  total: z.number(),
  /** Event types whose pii-tagged values the payload text search left out: this viewer may not see them. */
  textSkippedTypes: z.array(z.string()),
});
export type DlqPage = z.infer<typeof dlqPageSchema>;

export const dlqGroupSchema = z.object({
  code: z.string(),
  message: z.string(),
  stages: z.array(z.string()),
  count: z.number(),
  pending: z.number(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  /** Counts per equal slice of the time range, oldest first. */
  sparkline: z.array(z.number()),
});
export type DlqGroup = z.infer<typeof dlqGroupSchema>;

export const dlqStatusChangeSchema = z.object({
  status: z.enum(deadLetterStatuses),
  at: z.string(),
  actor: z.string(),
  reason: z.string(),
  replayId: z.string(),
});

export const dlqEntrySchema = dlqEntrySummarySchema.extend({
  details: z.unknown(),
  payload: z.string(),
  payload_encoding: z.enum(['utf8', 'base64']),
  /** The payload pretty-printed (JSON) with pii fields masked unless the viewer may see them. */
  payload_pretty: z.string(),
  masked_fields: z.array(z.string()),
  write_key_id: z.string().nullable(),
  origin_topic: z.string().nullable(),
  origin_partition: z.number().nullable(),
  origin_offset: z.string().nullable(),
  replay_of: z.string().nullable(),
  /** The error in words: what happened and what usually fixes it. */
  explanation: z.string(),
  history: z.array(dlqStatusChangeSchema),
});
export type DlqEntry = z.infer<typeof dlqEntrySchema>;

/** Which entries an action applies to: some ids, or everything matching a filter. */
export const dlqSelectionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ids'), ids: z.array(z.string().min(1).max(64)).min(1).max(1000) }),
  z.object({ kind: z.literal('filter'), filter: dlqFilterSchema }),
]);
export type DlqSelection = z.infer<typeof dlqSelectionSchema>;

export const MAX_REPLAY_RATE = 50_000;
export const DEFAULT_REPLAY_RATE = 10_000;

export const dlqDryRunInputSchema = z.object({
  selection: dlqSelectionSchema,
  /** Validate against this version of each event's subject instead of its latest. */
  schemaVersion: z.number().int().min(1).optional(),
  /**
   * A replacement payload for a single selected entry (the JSON editor). It may change only
   * `data`, `metadata`, `timestamp` and `user_id` of the stored event; the server refuses any
   * other change with bad_request naming the field (packages/dlq/src/edit-fields.ts).
   */
  editedPayload: z.string().max(1_000_000).optional(),
});
export type DlqDryRunInput = z.infer<typeof dlqDryRunInputSchema>;

export const dlqVerdictSchema = z.object({
  id: z.string(),
  event_id: z.string(),
  ok: z.boolean(),
  reasons: z.array(z.string()),
});
export type DlqVerdict = z.infer<typeof dlqVerdictSchema>;

export const dlqDryRunResultSchema = z.object({
  total: z.number(),
  pass: z.number(),
  fail: z.number(),
  /** Up to 100 verdicts, failures first. */
  verdicts: z.array(dlqVerdictSchema),
  /** Failure reasons with their counts, most frequent first. */
  reasons: z.array(z.object({ reason: z.string(), count: z.number() })),
  /** True when the selection was larger than a dry run reads; counts cover the first entries. */
  truncated: z.boolean(),
});
export type DlqDryRunResult = z.infer<typeof dlqDryRunResultSchema>;

export const dlqReplayInputSchema = dlqDryRunInputSchema.extend({
  /** Events per second sent back to the pipeline. */
  rate: z.number().int().min(1).max(MAX_REPLAY_RATE).default(DEFAULT_REPLAY_RATE),
});
export type DlqReplayInput = z.infer<typeof dlqReplayInputSchema>;

export const replayStates = ['running', 'completed', 'failed', 'interrupted'] as const;

export const dlqReplaySchema = z.object({
  id: z.string(),
  state: z.enum(replayStates),
  actor: z.string(),
  total: z.number(),
  processed: z.number(),
  /** Sent back to their origin topic. */
  sent: z.number(),
  /** Failed the checks again: back in the store with their attempts raised. */
  failedAgain: z.number(),
  rate: z.number(),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** Interrupted or failed, and not an edited event: it can continue where it stopped. */
  resumable: z.boolean(),
});
export type DlqReplay = z.infer<typeof dlqReplaySchema>;

export const dlqDiscardInputSchema = z.object({
  selection: dlqSelectionSchema,
  reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(500),
});

export const DEFAULT_DLQ_RETENTION_DAYS = 14;
export const dlqRetentionSchema = z.object({ days: z.number().int().min(1).max(365) });
