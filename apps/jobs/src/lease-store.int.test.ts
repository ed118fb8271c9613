// Leader jobs against real Redis: the lease store's compare-and-set contract, and two schedulers
// over one job that never run it at the same time, with the lease passing on shutdown and on a
// holder that stopped renewing.
import { Redis } from 'ioredis';
import { createLogger, createMetricsRegistry } from '@tributary/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';
import type { JobDefinition } from './job.ts';
import { redisLeaseStore } from './lease-store.ts';
import { createJobsMetrics } from './metrics.ts';
import { startScheduler } from './scheduler.ts';

let iso: Isolated;
let redis: Redis;

beforeAll(async () => {
  iso = await isolate();
  redis = new Redis(iso.redisUrl);
});

afterAll(async () => {
  redis?.disconnect();
  await iso?.cleanup();
});

describe('Redis lease store', () => {
  it('one holder at a time; renew and release only by the holder; expiry frees it', async () => {
    const store = redisLeaseStore(redis);
    const key = `${iso.redisPrefix}lease-contract`;
    expect(await store.acquire(key, 'a', 60_000)).toBe(true);
    expect(await store.acquire(key, 'b', 60_000)).toBe(false);
    expect(await store.renew(key, 'b', 60_000)).toBe(false);
    expect(await store.release(key, 'b')).toBe(false);
    expect(await redis.get(key)).toBe('a');
    expect(await store.renew(key, 'a', 200)).toBe(true);
    expect(await redis.pttl(key)).toBeLessThanOrEqual(200);
    await eventually(async () => (await redis.exists(key)) === 0);
    expect(await store.renew(key, 'a', 60_000)).toBe(false);
    expect(await store.acquire(key, 'b', 60_000)).toBe(true);
    expect(await store.release(key, 'b')).toBe(true);
    expect(await redis.exists(key)).toBe(0);
  });
});

describe('a leader job on two schedulers', () => {
  it('runs on one instance at a time and moves to the other when its leader stops', async () => {
    let inRun = 0;
    let overlapped = false;
    const runsBy = new Map<string, number>();
    const job = (instance: string): JobDefinition => ({
      name: 'leader-it',
      intervalMs: 50,
      lease: 'leader',
      async run() {
        inRun += 1;
        if (inRun > 1) overlapped = true;
        runsBy.set(instance, (runsBy.get(instance) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 20));
        inRun -= 1;
      },
    });
    const start = (instance: string) =>
      startScheduler({
        jobs: [job(instance)],
        store: redisLeaseStore(redis),
        prefix: iso.redisPrefix,
        instance,
        leaseTtlMs: 1500,
        logger: createLogger('jobs-it', 'silent'),
        metrics: createJobsMetrics(createMetricsRegistry('jobs-it')),
      });
    const a = start('a');
    await eventually(async () => (runsBy.get('a') ?? 0) >= 3);
    const b = start('b');
    const aBefore = runsBy.get('a')!;
    await eventually(async () => runsBy.get('a')! >= aBefore + 10);
    // While a holds the lease, b only asked for it.
    expect(runsBy.get('b') ?? 0).toBe(0);
    expect(b.health().jobs[0]).toMatchObject({ leader: false });
    expect(a.health().jobs[0]).toMatchObject({ leader: true });

    await a.stop();
    expect(await redis.get(`${iso.redisPrefix}jobs:lease:leader-it`)).not.toBe('a');
    await eventually(async () => (runsBy.get('b') ?? 0) >= 3);
    expect(b.health()).toMatchObject({ ok: true, jobs: [{ leader: true }] });
    await b.stop();
    expect(overlapped).toBe(false);
  });
});
