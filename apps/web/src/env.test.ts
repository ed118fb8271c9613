import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.ts';

describe('parseEnv', () => {
  it('has single-machine defaults', () => {
    expect(parseEnv({})).toEqual({
      CLICKHOUSE_URL: 'http://127.0.0.1:8123',
      CLICKHOUSE_DATABASE: 'tributary',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/tributary',
      KAFKA_BROKERS: '127.0.0.1:9092',
      TOPIC_PREFIX: 'tributary.',
      INGEST_PUBLIC_URL: 'http://127.0.0.1:8080',
      REPLAY_SUPERVISOR_INTERVAL_MS: 10_000,
      LAG_SAMPLER_INTERVAL_MS: 5_000,
      CONSUMER_GROUP: 'tributary-workers',
      LOG_LEVEL: 'info',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: 'tributary:',
      TRIBUTARY_CONSOLE_ORIGIN: ['http://127.0.0.1:3000', 'http://localhost:3000'],
    });
  });

  it('fails readably on a bad value', () => {
    expect(() => parseEnv({ CLICKHOUSE_DATABASE: 'x; DROP' })).toThrow(/CLICKHOUSE_DATABASE/);
    expect(() => parseEnv({ CLICKHOUSE_URL: 'not a url' })).toThrow(/CLICKHOUSE_URL/);
    expect(() => parseEnv({ TRIBUTARY_CONSOLE_ORIGIN: 'ftp://x' })).toThrow(/TRIBUTARY_CONSOLE_ORIGIN/);
    expect(() => parseEnv({ REPLAY_SUPERVISOR_INTERVAL_MS: '-1' })).toThrow(/REPLAY_SUPERVISOR_INTERVAL_MS/);
  });

  it('takes the analyst user for SQL panels when given (optional)', () => {
    const e = parseEnv({ ANALYST_CLICKHOUSE_USER: 'tributary_analyst', ANALYST_CLICKHOUSE_PASSWORD: 'pw' });
    expect(e.ANALYST_CLICKHOUSE_USER).toBe('tributary_analyst');
    expect(e.ANALYST_CLICKHOUSE_PASSWORD).toBe('pw');
    expect(() => parseEnv({ ANALYST_CLICKHOUSE_USER: '' })).toThrow(/ANALYST_CLICKHOUSE_USER/);
  });
});
