import type { Redis } from 'ioredis';

/**
 * Panel results cached in Redis and computed once per key however many viewers ask at the same
 * moment: the first caller takes a short lock (SET NX PX) and runs the query; the others wait
 * for its result instead of running their own. A lock holder that dies lets the lock expire; a
 * waiter that waited too long computes itself rather than hang. Keys name a query and a time
 * bucket (see panelCacheKey), so a refresh inside the bucket is a cache hit.
 */

export interface SingleFlightDeps {
  redis: Redis;
  /** e.g. `tributary:` — every key this writes starts with it. */
  prefix: string;
}

export interface SingleFlightOptions {
  /** How long a result is served from the cache. */
  ttlMs: number;
  /** How long the computing caller may hold the lock (its query's own time limit). */
  lockMs?: number;
  /** How long a waiter waits for another caller's result before computing itself. */
  waitMs?: number;
  pollMs?: number;
}

export interface SingleFlightResult<T> {
  value: T;
  /** 'computed': this call ran the query; 'cached' / 'waited': another call's result. */
  from: 'computed' | 'cached' | 'waited';
}

export async function singleFlight<T>(
  deps: SingleFlightDeps,
  key: string,
  compute: () => Promise<T>,
  opts: SingleFlightOptions,
): Promise<SingleFlightResult<T>> {
  const valueKey = `${deps.prefix}panel:v:${key}`;
  const lockKey = `${deps.prefix}panel:l:${key}`;
  const lockMs = opts.lockMs ?? 30_000;
  const waitMs = opts.waitMs ?? lockMs;
  const pollMs = opts.pollMs ?? 25;

  const hit = await deps.redis.get(valueKey);
  if (hit !== null) return { value: JSON.parse(hit) as T, from: 'cached' };

  const token = `${process.pid}:${Math.random().toString(36).slice(2)}`;
  if ((await deps.redis.set(lockKey, token, 'PX', lockMs, 'NX')) === 'OK') {
    try {
      const value = await compute();
      await deps.redis.set(valueKey, JSON.stringify(value), 'PX', opts.ttlMs);
      return { value, from: 'computed' };
    } finally {
      // Only our own lock: one that expired and was taken by another caller stays theirs.
      await deps.redis.eval(
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
        1,
        lockKey,
        token,
      );
    }
  }

  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, pollMs));
    const value = await deps.redis.get(valueKey);
    if (value !== null) return { value: JSON.parse(value) as T, from: 'waited' };
    // The holder failed (its lock is gone and nothing was written): stop waiting for it.
    if ((await deps.redis.exists(lockKey)) === 0) break;
  }
  return { value: await compute(), from: 'computed' };
}
