// singleFlight against the real Redis: many concurrent callers, one computation; a failing
// holder does not leave the others waiting; results expire with their bucket.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { singleFlight } from './single-flight.ts';

let redis: Redis;
const prefix = `it-sf-${randomUUID().slice(0, 8)}:`;

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: false });
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('singleFlight', () => {
  it('runs the computation once for 50 concurrent callers and serves the rest', async () => {
    let runs = 0;
    const compute = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 200));
      return { rows: [1, 2, 3] };
    };
    const results = await Promise.all(
      Array.from({ length: 50 }, () => singleFlight({ redis, prefix }, 'q1', compute, { ttlMs: 5000 })),
    );
    expect(runs).toBe(1);
    expect(results.every((r) => JSON.stringify(r.value) === '{"rows":[1,2,3]}')).toBe(true);
    expect(results.filter((r) => r.from === 'computed')).toHaveLength(1);
    // Later callers within the TTL are served from the cache.
    expect((await singleFlight({ redis, prefix }, 'q1', compute, { ttlMs: 5000 })).from).toBe('cached');
    expect(runs).toBe(1);
  });

  it('lets waiters compute themselves when the holder fails, and caches nothing of the failure', async () => {
    let runs = 0;
    const failing = singleFlight(
      { redis, prefix },
      'q2',
      async () => {
        runs++;
        await new Promise((r) => setTimeout(r, 100));
        throw new Error('ClickHouse refused');
      },
      { ttlMs: 5000 },
    );
    await new Promise((r) => setTimeout(r, 20));
    const waiter = singleFlight(
      { redis, prefix },
      'q2',
      async () => {
        runs++;
        return 'fresh';
      },
      { ttlMs: 5000, waitMs: 5000 },
    );
    await expect(failing).rejects.toThrow('ClickHouse refused');
    expect(await waiter).toEqual({ value: 'fresh', from: 'computed' });
    expect(runs).toBe(2);
  });

  it('computes again once the result expired', async () => {
    let runs = 0;
    const compute = async () => ++runs;
    await singleFlight({ redis, prefix }, 'q3', compute, { ttlMs: 100 });
    await new Promise((r) => setTimeout(r, 200));
    expect((await singleFlight({ redis, prefix }, 'q3', compute, { ttlMs: 100 })).value).toBe(2);
  });
});
