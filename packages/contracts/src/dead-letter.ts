import { z } from 'zod';

export const deadLetterStages = ['ingest', 'worker', 'processor', 'sink'] as const;
export type DeadLetterStage = (typeof deadLetterStages)[number];

/** What goes on the dead-letter topic: enough to understand and replay the failure. */
export const deadLetterSchema = z.object({
  id: z.string(),
  event_id: z.string(),
  stage: z.enum(deadLetterStages),
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
  /** The original bytes as UTF-8 text (or base64 when not valid UTF-8, see payload_encoding). */
  payload: z.string(),
  payload_encoding: z.enum(['utf8', 'base64']).default('utf8'),
  source: z.string().nullable(),
  write_key_id: z.string().nullable(),
  event_type: z.string().nullable(),
  schema_version: z.number().int().nullable(),
  origin_topic: z.string().nullable(),
  origin_partition: z.number().int().nullable(),
  origin_offset: z.string().nullable(),
  /** When this failure happened. */
  failed_at: z.string(),
  /** When the event first failed: differs from failed_at for an event that failed again on replay. */
  first_failed_at: z.string().optional(),
  /** How many times the event has failed, this time included. */
  attempts: z.number().int().min(1),
  /** The entry whose replay produced this failure, when it is one. */
  replay_of: z.string().nullable().optional(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

/** An entry's status; only the changes away from `pending` are recorded (with their history). */
export const deadLetterStatuses = ['pending', 'replayed', 'discarded'] as const;
export type DeadLetterStatus = (typeof deadLetterStatuses)[number];

/** Kafka headers a replayed event carries, naming the replay and the attempt. */
export const REPLAY_HEADERS = {
  replayId: 'tributary-replay-id',
  attempt: 'tributary-replay-attempt',
  deadLetterId: 'tributary-dead-letter-id',
} as const;
