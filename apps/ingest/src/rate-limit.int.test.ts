import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicNames } from '@tributary/contracts';
import { createDb, DEMO_SOURCE_NAME, type Db } from '@tributary/db';
import { createProducer, type Producer } from '@tributary/kafka';
import { publishSource, setSourceRateLimit } from '@tributary/registry';
import { createLogger } from '@tributary/telemetry';
import { eventually, isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';
import { parseEnv } from './env.ts';
import { createRedisRateLimiter } from './rate-limit.ts';
import { createIngestService, type IngestService } from './service.ts';

let iso: Isolated;
let db: Db;
let producer: Producer;
const services: IngestService[] = [];

async function startInstance(env: Record<string, string> = {}): Promise<string> {
  const service = createIngestService(
    parseEnv({
      PORT: '0',
      KAFKA_BROKERS: iso.brokers,
      TOPIC_PREFIX: iso.topicPrefix,
      DATABASE_URL: iso.databaseUrl,
      CLICKHOUSE_URL: iso.clickhouseUrl,
      CLICKHOUSE_DATABASE: iso.clickhouseDatabase,
      REDIS_URL: iso.redisUrl,
      REDIS_PREFIX: iso.redisPrefix,
      LOG_LEVEL: 'silent',
      ...env,
    }),
  );
  services.push(service);
  return service.start();
}

function events(n: number, type = 'rate_limit_it') {
  return JSON.stringify(Array.from({ length: n }, () => ({ event_type: type, data: {} })));
}

function post(url: string, body: string, key = iso.writeKey) {
  return fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body,
  });
}

beforeAll(async () => {
  iso = await isolate();
  db = createDb(iso.databaseUrl);
  producer = createProducer({ brokers: iso.brokers.split(','), clientId: 'it-rate-limit' });
});
afterAll(async () => {
  await Promise.allSettled(services.map((s) => s.stop()));
  await producer?.close();
  await db?.$disconnect();
  await iso?.cleanup();
});

describe('the token bucket in Redis', () => {
  it('takes whole costs, refuses with the wait until they fit, and refuses a cost above the burst outright', async () => {
    const limiter = createRedisRateLimiter({
      url: iso.redisUrl,
      prefix: iso.redisPrefix,
      timeoutMs: 1000,
      logger: createLogger('it', 'silent'),
    });
    try {
      // A slow refill (1 token/s) so the test's own pace cannot refill the bucket noticeably.
      const limit = { perSecond: 1, burst: 10 };
      expect(await limiter.ready(10_000)).toBe(true);
      const bucket = `unit-${Date.now()}`;
      expect(await limiter.take(bucket, limit, 6)).toMatchObject({ allowed: true });
      const refused = await limiter.take(bucket, limit, 6);
      expect(refused).toMatchObject({ allowed: false, tooLarge: false });
      // 4 left of 6 wanted at 1/s: about 2 s (less by whatever refilled meanwhile).
      expect(refused.allowed ? 0 : refused.retryAfterMs).toBeGreaterThan(1000);
      expect(refused.allowed ? 0 : refused.retryAfterMs).toBeLessThanOrEqual(2000);
      expect(await limiter.take(bucket, limit, 4)).toMatchObject({ allowed: true });
      expect(limiter.emptyUntil(bucket)).toBeGreaterThan(Date.now());
      expect(await limiter.take(bucket, limit, 11)).toMatchObject({ allowed: false, tooLarge: true });
      expect(limiter.shared()).toBe(true);
    } finally {
      await limiter.close();
    }
  });
});

describe('leases: tokens taken ahead and spent locally', () => {
  it('never lets two instances together overdraw the shared bucket', async () => {
    const make = () =>
      createRedisRateLimiter({
        url: iso.redisUrl,
        prefix: iso.redisPrefix,
        timeoutMs: 1000,
        logger: createLogger('it', 'silent'),
      });
    const [a, b] = [make(), make()];
    try {
      expect(await a.ready(10_000)).toBe(true);
      expect(await b.ready(10_000)).toBe(true);
      // 40 events/s, burst 40: each Redis decision leases 2 extra tokens to its instance.
      const limit = { perSecond: 40, burst: 40 };
      const bucket = `lease-${Date.now()}`;
      const started = Date.now();
      let allowed = 0;
      for (let i = 0; i < 200; i++) {
        const limiter = i % 2 === 0 ? a : b;
        const v = await limiter.take(bucket, limit, 1);
        if (v.allowed) allowed++;
      }
      const refilled = Math.ceil(((Date.now() - started) * limit.perSecond) / 1000);
      expect(allowed).toBeGreaterThanOrEqual(limit.burst - 4);
      expect(allowed).toBeLessThanOrEqual(limit.burst + refilled);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('leases under concurrency', () => {
  it('lets 64 concurrent requests of one key share a lease instead of each draining the bucket', async () => {
    const limiter = createRedisRateLimiter({
      url: iso.redisUrl,
      prefix: iso.redisPrefix,
      timeoutMs: 1000,
      logger: createLogger('it', 'silent'),
    });
    try {
      expect(await limiter.ready(10_000)).toBe(true);
      // Each lease is 1/20 of the bucket: 64 leases at once would empty it 3 times over.
      const limit = { perSecond: 1_000_000, burst: 1_000_000 };
      const bucket = `concurrent-${Date.now()}`;
      const verdicts = await Promise.all(
        Array.from({ length: 64 }, async () => {
          let ok = 0;
          for (let i = 0; i < 50; i++) if ((await limiter.take(bucket, limit, 1)).allowed) ok++;
          return ok;
        }),
      );
      expect(verdicts.reduce((a, b) => a + b, 0)).toBe(64 * 50);
    } finally {
      await limiter.close();
    }
  });
});

describe('rate limits at ingest', () => {
  it("answers a key over its source's rate 429 with Retry-After, and a changed limit reaches a running instance", async () => {
    const url = await startInstance();
    // The default (50,000 events/s) does not get in the way of ordinary traffic.
    expect((await post(url, events(500))).status).toBe(200);

    await setSourceRateLimit(db, DEMO_SOURCE_NAME, { eventsPerSecond: 1, burst: 100 }, { actor: 'it' });
    await publishSource(producer, topicNames(iso.topicPrefix).control, db, DEMO_SOURCE_NAME);

    // Live: the running instance picks the new figures up from the control topic.
    const limited = await eventually(async () => {
      const res = await post(url, events(60));
      return res.status === 429 ? res : null;
    }, 20_000);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toEqual({
      error: {
        code: 'rate_limited',
        message: expect.stringMatching(
          /^Rate limit of source 'demo' exceeded \(1 events\/s per write key, burst 100\); retry after \d+ s$/,
        ),
      },
    });

    // More events in one request than the bucket holds can never pass: 413, not a retry loop.
    const tooMany = await post(url, events(101));
    expect([413, 429]).toContain(tooMany.status);

    await setSourceRateLimit(db, DEMO_SOURCE_NAME, { eventsPerSecond: null, burst: null }, { actor: 'it' });
    await publishSource(producer, topicNames(iso.topicPrefix).control, db, DEMO_SOURCE_NAME);
    await eventually(async () => (await post(url, events(200))).status === 200, 20_000);
  });

  it('limits requests without a valid key per address, before the lookup, and lets a valid key through', async () => {
    const url = await startInstance({
      INGEST_UNAUTHENTICATED_PER_IP_PER_SECOND: '1',
      INGEST_UNAUTHENTICATED_PER_IP_BURST: '5',
    });
    // A producer sending from the same address before the guesses start.
    expect((await post(url, events(1))).status).toBe(200);
    // Another test's instance may have charged the address already: go until refused.
    const statuses: number[] = [];
    let refused: Response | null = null;
    for (let i = 0; i < 20 && !refused; i++) {
      const res = await post(url, events(1), i % 2 === 0 ? 'not-a-key' : `wk_guess_${i}`);
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(1);
    expect(refused).not.toBeNull();
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await refused!.json()) as unknown).toMatchObject({ error: { code: 'rate_limited' } });
    // No key at all counts the same.
    const missing = await fetch(`${url}/v1/events`, { method: 'POST', body: events(1) });
    expect(missing.status).toBe(429);
    // The producer at the same address is not held back by the guesses (its key was seen here).
    expect((await post(url, events(1))).status).toBe(200);
  });

  it('keeps accepting while Redis does not answer, and still limits each key in the instance', async () => {
    // A port that accepts connections and never answers: every command times out.
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const url = await startInstance({
        REDIS_URL: `redis://127.0.0.1:${port}`,
        INGEST_RATE_LIMIT_REDIS_TIMEOUT_MS: '100',
        INGEST_RATE_LIMIT_EVENTS_PER_SECOND: '1',
        INGEST_RATE_LIMIT_BURST: '300',
      });
      const first = await post(url, events(200));
      expect(first.status).toBe(200);
      expect(((await first.json()) as { accepted: number }).accepted).toBe(200);
      const second = await post(url, events(200));
      expect(second.status).toBe(429);
      expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/ingest_rate_limit_local_decisions_total\{[^}]*\} [1-9]/);
    } finally {
      silent.close();
    }
  });
});
