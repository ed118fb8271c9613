import { z } from 'zod';
import {
  clickhouseEnv,
  kafkaEnv,
  parseConfig,
  postgresEnv,
  redisEnv,
  telemetryEnv,
} from '@tributary/contracts';

/** Ingest configuration, parsed once at start. Nothing else reads process.env. */
const schema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  ...kafkaEnv,
  ...postgresEnv,
  ...clickhouseEnv,
  ...telemetryEnv,
  ...redisEnv,
  /**
   * Token buckets per write key (events) and per client address (requests without a valid key),
   * kept in Redis and shared by every instance; `off` only for measuring what they cost.
   * See docs/decisions/ingest-rate-limits.md.
   */
  INGEST_RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  /** Default of each write key whose source sets no rate: events per second. */
  INGEST_RATE_LIMIT_EVENTS_PER_SECOND: z.coerce.number().int().positive().default(50_000),
  /** Default bucket size: events a key may send at once above its rate. */
  INGEST_RATE_LIMIT_BURST: z.coerce.number().int().positive().default(100_000),
  /** Requests per second an address may make without a valid write key (401s), and its burst. */
  INGEST_UNAUTHENTICATED_PER_IP_PER_SECOND: z.coerce.number().int().positive().default(10),
  INGEST_UNAUTHENTICATED_PER_IP_BURST: z.coerce.number().int().positive().default(50),
  /** A rate-limit decision waits this long for Redis, then is taken in this instance alone. */
  INGEST_RATE_LIMIT_REDIS_TIMEOUT_MS: z.coerce.number().int().positive().default(250),
  /**
   * Behind a proxy or load balancer: whose X-Forwarded-For to believe for the client address
   * (fastify's trustProxy: `true`, a hop count, or addresses/CIDRs separated by commas).
   * Unset: the socket's peer is the client.
   */
  INGEST_TRUST_PROXY: z.string().optional(),
  /** The request line and headers must arrive within this (slow-header clients are cut). */
  INGEST_HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** The whole request, body included, must arrive within this; then 408 and the socket closes. */
  INGEST_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
  /** A socket with no traffic in either direction for this long is closed. */
  INGEST_IDLE_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** An idle keep-alive connection between requests is closed after this. */
  INGEST_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
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
  /**
   * A cached write-key answer is checked against Postgres again after this long, so a revoked
   * key stops working within it even if the control topic's hint is late
   * (docs/decisions/key-revocation.md). At most 5 s: that is the promise made for revocation.
   */
  WRITE_KEY_RECHECK_MS: z.coerce.number().int().min(0).max(5000).default(2000),
  /** While Postgres does not answer, cached write keys up to this old are still accepted. */
  WRITE_KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).default(30_000),
});

export type IngestEnv = z.infer<typeof schema>;

export function parseEnv(source: Record<string, string | undefined> = process.env): IngestEnv {
  return parseConfig('ingest', schema, source);
}
