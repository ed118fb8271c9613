import { z } from 'zod';
import { clickhouseEnv, kafkaEnv, parseConfig, postgresEnv, telemetryEnv } from '@tributary/contracts';

const schema = z.object({
  ...clickhouseEnv,
  // The one privileged ClickHouse user, for the dead-letter retention change (DDL); unset: the
  // console's own user (an embedded server without users, or a server where it may alter tables).
  CLICKHOUSE_DDL_USER: z.string().min(1).optional(),
  CLICKHOUSE_DDL_PASSWORD: z.string().optional(),
  ...postgresEnv,
  // Schema changes are published on the control topic for ingest to apply live.
  ...kafkaEnv,
  ...telemetryEnv,
  // Shown to producers in the empty state; the console never calls it.
  INGEST_PUBLIC_URL: z.url().default('http://127.0.0.1:8080'),
  // How often the console looks for replays whose server stopped mid-way and resumes them; 0 never.
  REPLAY_SUPERVISOR_INTERVAL_MS: z.coerce.number().int().min(0).default(10_000),
});

export type Env = z.infer<typeof schema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  return parseConfig('console', schema, source);
}

// The only place that reads process.env; a bad value fails the first request/build loudly.
export const env: Env = parseEnv(process.env);
