import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import '../../../scripts/test-infra/provided-context.ts';
import { deleteRedisPrefix } from '../../../scripts/lib/local-services.ts';
import { createDedupe } from './dedupe.ts';

let redis: Redis;
const prefix = `it:dedupe:${randomBytes(4).toString('hex')}:`;
beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
});
afterAll(async () => {
  await deleteRedisPrefix(inject('redisUrl'), prefix);
  redis.disconnect();
});

describe('Redis dedupe window', () => {
  it('remembers inserted ids for at least the window and forgets them after 1.5 windows', async () => {
    let now = Date.UTC(2026, 10, 22, 0, 0, 0);
    const dedupe = createDedupe(redis, prefix, 60, () => now);
    expect(await dedupe.seen(['a', 'b'])).toEqual([false, false]);
    await dedupe.markInserted(['a']);
    expect(await dedupe.seen(['a', 'b'])).toEqual([true, false]);
    now += 60_000; // one full window later: still remembered
    expect(await dedupe.seen(['b', 'a'])).toEqual([false, true]);
    now += 31_000; // past 1.5 windows: forgotten
    expect(await dedupe.seen(['a'])).toEqual([false]);
  });

  it('keeps the intent of an interrupted batch until it is cleared', async () => {
    const dedupe = createDedupe(redis, prefix, 60);
    await dedupe.writeIntent('t', 3, '100', '250');
    expect(await dedupe.readIntent('t', 3)).toEqual({ first: 100n, last: 250n });
    await dedupe.clearIntent('t', 3);
    expect(await dedupe.readIntent('t', 3)).toBeNull();
  });
});
