// One environment fragment per dependency, spread into every service's env schema, so each
// variable has one name, one default and one validation wherever it is read.
import { z } from 'zod';

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain ClickHouse identifier');

export const kafkaEnv = {
  /** Comma-separated host:port list. */
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092'),
  TOPIC_PREFIX: z.string().default('tributary.'),
  /** This service's own Kafka principal (mechanism default SCRAM-SHA-256); unset for a PLAINTEXT broker. */
  KAFKA_SASL_MECHANISM: z.enum(['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
};

export const clickhouseEnv = {
  CLICKHOUSE_URL: z.url().default('http://127.0.0.1:8123'),
  CLICKHOUSE_DATABASE: identifier.default('tributary'),
  /** Unset: the server's default user (an embedded server started without users asks nobody). */
  CLICKHOUSE_USER: z.string().min(1).optional(),
  CLICKHOUSE_PASSWORD: z.string().optional(),
};

export const postgresEnv = {
  DATABASE_URL: z
    .string()
    .min(1)
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .default('postgres://postgres@127.0.0.1:5432/tributary'),
};

export const redisEnv = {
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.string().default('tributary:'),
};

export const telemetryEnv = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** When set, /metrics answers only `Authorization: Bearer <token>`; required off loopback. */
  METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
};
