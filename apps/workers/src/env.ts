import { z } from 'zod';
import {
  clickhouseEnv,
  kafkaEnv,
  parseConfig,
  postgresEnv,
  redisEnv,
  telemetryEnv,
} from '@tributary/contracts';

/** Worker configuration, parsed once at start. Nothing else reads process.env. */
const schema = z.object({
  ...kafkaEnv,
  ...clickhouseEnv,
  ...redisEnv,
  ...telemetryEnv,
  /** Processors and lookup tables are read from Postgres (at start, on each control hint, periodically). */
  ...postgresEnv,
  /** HMAC-SHA256 secret of the processors' pii_hash step; without it such a processor does not compile. */
  PII_HASH_SECRET: z.string().min(32).optional(),
  /** Full re-read of the active processors this often, in case a control hint was missed. */
  PROCESSORS_RELOAD_INTERVAL_MS: z.coerce.number().int().min(0).default(30_000),
  /** Names this worker in `<prefix>workers:running:<instance>`; default host:pid. */
  WORKER_INSTANCE: z.string().min(1).max(200).optional(),
  CONSUMER_GROUP: z.string().default('tributary-workers'),
  /** How long an inserted event_id is remembered; a redelivery or client retry inside it is dropped. */
  DEDUPE_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(24 * 60 * 60),
  /** Kafka messages per batch; each message packs up to ~2,000 events (see events-message-format.md). */
  WORKER_MAX_BATCH: z.coerce.number().int().positive().default(500),
  WORKER_MAX_WAIT_MS: z.coerce.number().int().positive().default(200),
  /** Consumer-group session: a member silent this long is removed (the broker allows 6 s to 5 min). */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(300_000).default(10_000),
  /** Tries for a batch that ClickHouse rejects as bad data before rows go one by one. */
  SINK_PERMANENT_RETRIES: z.coerce.number().int().min(0).default(2),
  OPS_HOST: z.string().default('127.0.0.1'),
  OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
});

export type WorkerEnv = z.infer<typeof schema>;

export function parseEnv(source: Record<string, string | undefined> = process.env): WorkerEnv {
  return parseConfig('workers', schema, source);
}
