// What the topics and consumer-groups procedures and the /api/v1/topics routes accept. One set of
// schemas for both, so the console and config-as-code are refused for the same reasons.
import { z } from 'zod';

/** Kafka's own rule (legal characters, at most 249), checked before the broker is asked. */
export const topicName = z
  .string()
  .min(1, 'a topic name is required')
  .max(249, 'a topic name has at most 249 characters')
  .regex(/^[a-zA-Z0-9._-]+$/, 'a topic name may contain only letters, digits, ".", "_" and "-"')
  .refine((n) => n !== '.' && n !== '..', 'a topic name cannot be "." or ".."');

export const groupId = z.string().min(1).max(255);

export const CLEANUP_POLICIES = ['delete', 'compact', 'compact,delete'] as const;
export type CleanupPolicy = (typeof CLEANUP_POLICIES)[number];

const MINUTE = 60_000;
/** -1 keeps messages forever; otherwise at least a minute and at most ten years. */
export const retentionMs = z
  .number()
  .int()
  .refine((v) => v === -1 || (v >= MINUTE && v <= 10 * 365 * 24 * 60 * MINUTE), {
    message: 'retention.ms must be -1 (forever) or between 60000 (1 minute) and 315360000000 (10 years)',
  });

export const MAX_PARTITIONS = 1000;

export const createTopicInput = z.strictObject({
  name: topicName,
  partitions: z.number().int().min(1).max(MAX_PARTITIONS),
  replicationFactor: z.number().int().min(1).max(5).default(1),
  retentionMs: retentionMs.optional(),
  cleanupPolicy: z.enum(CLEANUP_POLICIES).default('delete'),
  /** Must repeat the name: nothing is created by a stray click or a half-filled request. */
  confirm: z.string(),
});
export type CreateTopicInput = z.infer<typeof createTopicInput>;

export const addPartitionsInput = z.strictObject({
  name: topicName,
  partitions: z.number().int().min(2).max(MAX_PARTITIONS),
  confirm: z.string(),
});
export type AddPartitionsInput = z.infer<typeof addPartitionsInput>;

export const setTopicConfigInput = z
  .strictObject({
    name: topicName,
    retentionMs: retentionMs.optional(),
    cleanupPolicy: z.enum(CLEANUP_POLICIES).optional(),
    confirm: z.string(),
  })
  .refine((v) => v.retentionMs !== undefined || v.cleanupPolicy !== undefined, {
    message: 'set at least one of retentionMs, cleanupPolicy',
  });
export type SetTopicConfigInput = z.infer<typeof setTopicConfigInput>;

export const resetTarget = z.discriminatedUnion('to', [
  z.strictObject({ to: z.literal('earliest') }),
  z.strictObject({ to: z.literal('latest') }),
  z.strictObject({ to: z.literal('timestamp'), timestamp: z.number().int().min(0) }),
]);

export const resetOffsetsInput = z.strictObject({
  groupId,
  topic: topicName,
  target: resetTarget,
  /** Must repeat the group id. */
  confirm: z.string(),
});
export type ResetOffsetsInput = z.infer<typeof resetOffsetsInput>;

export const lagHistoryInput = z.strictObject({
  groupId,
  /** Hours back from now, at most the 24 the page shows (the table keeps 2 days). */
  hours: z.number().int().min(1).max(48).default(24),
});
