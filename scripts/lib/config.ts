import { resolve } from 'node:path';
import { z } from 'zod';
import type { StackConfig } from './stack.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

/**
 * `npm start` configuration. Setting KAFKA_BROKERS or CLICKHOUSE_URL points the platform at an
 * external cluster/server instead of starting the single-machine one.
 */
const schema = z.object({
  TRIBUTARY_STATE_DIR: z.string().default(resolve(REPO_ROOT, '.tributary')),
  KAFKA_BROKERS: z.string().optional(),
  CLICKHOUSE_URL: z.string().url().optional(),
  CLICKHOUSE_DATABASE: z.string().default('tributary'),
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/tributary'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.string().default('tributary:'),
  TOPIC_PREFIX: z.string().default('tributary.'),
  CONSUMER_GROUP: z.string().default('tributary-workers'),
  INGEST_PORT: z.coerce.number().int().default(8080),
  WEB_PORT: z.coerce.number().int().default(3000),
  WORKER_OPS_PORT: z.coerce.number().int().default(9464),
  JOBS_OPS_PORT: z.coerce.number().int().default(9465),
  LOG_LEVEL: z.string().default('info'),
});

export function devConfig(env: Record<string, string | undefined> = process.env): StackConfig {
  const e = schema.parse(env);
  return {
    stateDir: e.TRIBUTARY_STATE_DIR,
    kafka: e.KAFKA_BROKERS ? { brokers: e.KAFKA_BROKERS } : { port: 9092, controllerPort: 9093 },
    clickhouse: e.CLICKHOUSE_URL ? { url: e.CLICKHOUSE_URL } : { port: 8123 },
    clickhouseDatabase: e.CLICKHOUSE_DATABASE,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    topicPrefix: e.TOPIC_PREFIX,
    consumerGroup: e.CONSUMER_GROUP,
    ingestPort: e.INGEST_PORT,
    webPort: e.WEB_PORT,
    workerOpsPort: e.WORKER_OPS_PORT,
    jobsOpsPort: e.JOBS_OPS_PORT,
    logLevel: e.LOG_LEVEL,
    // The embedded ClickHouse asks who is calling; an external one has its own users.
    clickhouseAuth: !e.CLICKHOUSE_URL,
  };
}

/**
 * A private stack for one test run: its own ports, data directories, Postgres database,
 * ClickHouse database, topics and Redis prefix, so it never touches `npm start`'s data.
 */
export interface TestPorts {
  kafka: number;
  kafkaController: number;
  clickhouse: number;
  ingest: number;
  web: number;
  workerOps: number;
  jobsOps: number;
}

export function testConfig(runId: string, base: { stateDir: string; ports: TestPorts }): StackConfig {
  const p = base.ports;
  return {
    stateDir: base.stateDir,
    kafka: { port: p.kafka, controllerPort: p.kafkaController },
    clickhouse: { port: p.clickhouse },
    clickhouseDatabase: `tributary_test_${runId}`,
    databaseUrl: `postgres://postgres@127.0.0.1:5432/tributary_test_${runId}`,
    redisUrl: 'redis://127.0.0.1:6379',
    redisPrefix: `test:${runId}:`,
    topicPrefix: `t${runId}.`,
    consumerGroup: `t${runId}-workers`,
    ingestPort: p.ingest,
    webPort: p.web,
    workerOpsPort: p.workerOps,
    jobsOpsPort: p.jobsOps,
    logLevel: process.env.TRIBUTARY_TEST_LOG_LEVEL ?? 'warn',
  };
}
