import { z } from 'zod';

export const deadLetterStages = ['ingest', 'worker', 'sink'] as const;
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
  failed_at: z.string(),
  attempts: z.number().int().min(1),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;
