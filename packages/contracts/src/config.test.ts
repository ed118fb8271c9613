import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from './config.ts';
import { clickhouseEnv, kafkaEnv, postgresEnv, redisEnv, telemetryEnv } from './env-fragments.ts';

describe('parseConfig', () => {
  const schema = z.object({
    PORT: z.coerce.number().int().default(8080),
    MODE: z.enum(['a', 'b']).default('a'),
  });

  it('applies defaults and coerces numbers', () => {
    expect(parseConfig('svc', schema, { PORT: '9000' })).toEqual({ PORT: 9000, MODE: 'a' });
  });

  it('names the service and every bad variable', () => {
    expect(() => parseConfig('svc', schema, { PORT: 'x', MODE: 'c' })).toThrow(
      /svc: invalid configuration\n {2}PORT: .*\n {2}MODE: /,
    );
  });
});

describe('environment fragments', () => {
  const schema = z.object({ ...kafkaEnv, ...clickhouseEnv, ...postgresEnv, ...redisEnv, ...telemetryEnv });

  it('gives every dependency its single-machine default', () => {
    expect(parseConfig('svc', schema, {})).toEqual({
      KAFKA_BROKERS: '127.0.0.1:9092',
      TOPIC_PREFIX: 'tributary.',
      CLICKHOUSE_URL: 'http://127.0.0.1:8123',
      CLICKHOUSE_DATABASE: 'tributary',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/tributary',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: 'tributary:',
      LOG_LEVEL: 'info',
    });
  });

  it('refuses values that cannot work, naming the variable', () => {
    expect(() =>
      parseConfig('svc', schema, {
        CLICKHOUSE_URL: 'not a url',
        CLICKHOUSE_DATABASE: 'x; DROP',
        DATABASE_URL: 'mysql://x',
        REDIS_URL: 'localhost:6379',
      }),
    ).toThrow(/CLICKHOUSE_URL[\s\S]*CLICKHOUSE_DATABASE[\s\S]*DATABASE_URL[\s\S]*REDIS_URL/);
  });
});
