import { z } from 'zod';
import {
  clickhouseEnv,
  kafkaEnv,
  parseConfig,
  postgresEnv,
  redisEnv,
  telemetryEnv,
} from '@tributary/contracts';

const schema = z.object({
  ...clickhouseEnv,
  // The one privileged ClickHouse user, for the dead-letter retention change (DDL); unset: the
  // console's own user (an embedded server without users, or a server where it may alter tables).
  CLICKHOUSE_DDL_USER: z.string().min(1).optional(),
  CLICKHOUSE_DDL_PASSWORD: z.string().optional(),
  // The read-only analyst user that raw SQL panels run as (SELECT only, bounded; npm start makes
  // it). Unset: SQL panels are refused with a message saying so; builder panels are unaffected.
  ANALYST_CLICKHOUSE_USER: z.string().min(1).optional(),
  ANALYST_CLICKHOUSE_PASSWORD: z.string().optional(),
  ...postgresEnv,
  // Schema changes are published on the control topic for ingest to apply live.
  ...kafkaEnv,
  ...telemetryEnv,
  // Sign-in throttling counts failures in Redis, shared by every console process.
  ...redisEnv,
  // Where people open the console (comma-separated origins). State-changing requests must come
  // from one of these (CSRF), and Host headers outside them and loopback are refused (DNS
  // rebinding). An https first origin makes the session cookie `__Host-…; Secure`.
  TRIBUTARY_CONSOLE_ORIGIN: z
    .string()
    .default('http://127.0.0.1:3000,http://localhost:3000')
    .transform((v, ctx) => {
      const origins: string[] = [];
      for (const part of v
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        try {
          const u = new URL(part);
          if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
          origins.push(u.origin);
        } catch {
          ctx.addIssue({ code: 'custom', message: `not an http(s) origin: ${part}` });
        }
      }
      if (origins.length === 0) ctx.addIssue({ code: 'custom', message: 'at least one origin' });
      return origins;
    }),
  // Shown to producers in the empty state; the console never calls it.
  INGEST_PUBLIC_URL: z.url().default('http://127.0.0.1:8080'),
  // The processors' pii_hash secret (HMAC-SHA256), the workers' own: the preview hashes as they
  // do. Unset: a definition with a pii_hash step is refused, saying this variable is missing
  // (npm start makes one per state directory, scripts/lib/pii-hash-secret.ts).
  PII_HASH_SECRET: z.string().min(32, 'PII_HASH_SECRET must have at least 32 characters').optional(),
  // How often the console looks for backfills whose server stopped mid-way and resumes them; 0
  // never. (Named when it also resumed dead-letter replays; the jobs service runs those now.)
  REPLAY_SUPERVISOR_INTERVAL_MS: z.coerce.number().int().min(0).default(10_000),
  // How often one console (under a Redis lease) samples consumer-group lag into ClickHouse; 0 never.
  LAG_SAMPLER_INTERVAL_MS: z.coerce.number().int().min(0).default(5_000),
  // The workers' consumer group: its committed progress is the data's watermark on dashboards.
  CONSUMER_GROUP: z.string().min(1).default('tributary-workers'),
  // The bearer token the alert webhook must send to POST /api/alerts/inbox (the console's local
  // inbox; npm start makes one per state directory and gives it to the seeded receiver). Unset:
  // the inbox refuses every delivery.
  ALERT_INBOX_TOKEN: z.string().min(16, 'ALERT_INBOX_TOKEN must have at least 16 characters').optional(),
  // The SMTP server an email receiver's "send test" goes through (the jobs service has its own
  // settings for real notifications). Unset SMTP_HOST: email tests say SMTP is not configured.
  // SMTP_SECURE: tls (TLS from the first byte, port 465), starttls (the default, 587) or none.
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  SMTP_SECURE: z.enum(['tls', 'starttls', 'none']).optional(),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().optional(),
  SMTP_FROM: z.string().min(3).optional(),
});

export type Env = z.infer<typeof schema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  return parseConfig('console', schema, source);
}

// The only place that reads process.env; a bad value fails the first request/build loudly.
export const env: Env = parseEnv(process.env);
