import { z } from 'zod';
import { clickhouseEnv, kafkaEnv, parseConfig, postgresEnv, telemetryEnv } from '@tributary/contracts';

/** Ingest configuration, parsed once at start. Nothing else reads process.env. */
const schema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  ...kafkaEnv,
  ...postgresEnv,
  ...clickhouseEnv,
  ...telemetryEnv,
  /** Largest request body accepted on the wire (compressed or not). */
  INGEST_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(5 * 1024 * 1024),
  /** Largest body after gzip inflation; a gzip bomb stops here without inflating further. */
  INGEST_MAX_INFLATED_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024),
  INGEST_MAX_EVENTS_PER_REQUEST: z.coerce.number().int().positive().default(5000),
  /** How long a request waits for Kafka before it is answered 503. */
  KAFKA_DELIVERY_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  /** Messages from concurrent requests are sent together when they arrive within this window. */
  INGEST_LINGER_MS: z.coerce.number().int().min(0).default(5),
  /**
   * Schema changes arrive live on the control topic; this full reload from Postgres is the
   * safety net for a change whose publish failed. 0 turns it off.
   */
  INGEST_SCHEMA_RELOAD_MS: z.coerce.number().int().min(0).default(60_000),
  WRITE_KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).default(30_000),
});

export type IngestEnv = z.infer<typeof schema>;

export function parseEnv(source: Record<string, string | undefined> = process.env): IngestEnv {
  return parseConfig('ingest', schema, source);
}
