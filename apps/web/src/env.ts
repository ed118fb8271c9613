import { z } from 'zod';

const schema = z.object({
  CLICKHOUSE_URL: z.url().default('http://127.0.0.1:8123'),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain ClickHouse identifier')
    .default('tributary'),
  DATABASE_URL: z.string().min(1).default('postgres://postgres@127.0.0.1:5432/tributary'),
  // Schema changes are published on the control topic for ingest to apply live.
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092'),
  TOPIC_PREFIX: z.string().default('tributary.'),
  // Shown to producers in the empty state; the console never calls it.
  INGEST_PUBLIC_URL: z.url().default('http://127.0.0.1:8080'),
  // How often the console looks for replays whose server stopped mid-way and resumes them; 0 never.
  REPLAY_SUPERVISOR_INTERVAL_MS: z.coerce.number().int().min(0).default(10_000),
});

export type Env = z.infer<typeof schema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    throw new Error(`Invalid console environment:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

// The only place that reads process.env; a bad value fails the first request/build loudly.
export const env: Env = parseEnv(process.env);
