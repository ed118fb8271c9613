import { z } from 'zod';
import {
  clickhouseEnv,
  kafkaEnv,
  parseConfig,
  postgresEnv,
  redisEnv,
  telemetryEnv,
} from '@tributary/contracts';

/** Jobs service configuration, parsed once at start. Nothing else reads process.env. */
const schema = z.object({
  ...kafkaEnv,
  ...clickhouseEnv,
  ...postgresEnv,
  ...redisEnv,
  ...telemetryEnv,
  /** Names this instance on the leases it holds; default host:pid:random. */
  JOBS_INSTANCE: z.string().min(1).max(200).optional(),
  /** A leader job's lease lives this long unless renewed (renewed every third of it). */
  JOBS_LEASE_TTL_MS: z.coerce.number().int().min(1000).max(300_000).default(15_000),
  /** How often queued and interrupted dead-letter replays are looked for. */
  REPLAY_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(1000),
  /** Replays one instance runs at once; more wait queued for this or another instance. */
  REPLAY_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  /** How often a running replay's lease (its row's heartbeat) is renewed; it lapses after 30 s. */
  REPLAY_HEARTBEAT_MS: z.coerce.number().int().min(500).max(10_000).default(5_000),
  /** How often the alert evaluator looks for rules whose slot came (and silences changed). */
  ALERT_TICK_MS: z.coerce.number().int().min(100).max(10_000).default(500),
  /** Rule queries in flight at once. */
  ALERT_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
  /** Per rule query. */
  ALERT_QUERY_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(20),
  /** The workers' consumer group (lineage's consumer node, for notification texts). */
  CONSUMER_GROUP: z.string().min(1).default('tributary-workers'),
  /** Where the console is: links in notifications are absolute. */
  CONSOLE_URL: z.url().default('http://127.0.0.1:3000'),
  /** The SMTP server for email receivers (unset: email deliveries fail with that reason). */
  SMTP_HOST: z.string().min(1).optional(),
  /** Default: 465 for tls, 587 otherwise. */
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** tls: TLS from the first byte (465); starttls: upgrade required (587); none: a local relay. */
  SMTP_SECURE: z.enum(['tls', 'starttls', 'none']).default('starttls'),
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  SMTP_FROM: z.string().default('Tributary <alerts@localhost>'),
  /** PEM file of extra certificate authorities to trust for the SMTP server. */
  SMTP_CA_FILE: z.string().optional(),
  OPS_HOST: z.string().default('127.0.0.1'),
  OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
});

export type JobsEnv = z.infer<typeof schema>;

export function parseEnv(source: Record<string, string | undefined> = process.env): JobsEnv {
  return parseConfig('jobs', schema, source);
}
