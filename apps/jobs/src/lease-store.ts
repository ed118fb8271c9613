import type { Redis } from 'ioredis';

/**
 * Where leases live: a key per lease whose value is the holder's token and which expires by
 * itself (docs/decisions/jobs-service.md). Renew and release compare the token first, so a holder
 * whose lease lapsed and went to another instance cannot extend or delete the new one.
 */
export interface LeaseStore {
  /** Takes the lease when nobody holds it. */
  acquire(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Extends the lease when `token` still holds it. */
  renew(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up when `token` still holds it. */
  release(key: string, token: string): Promise<boolean>;
}

// NOTE: compare-and-act must be one step on the server: a GET then PEXPIRE from the client could
// extend a lease that expired and was taken in between.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export function redisLeaseStore(redis: Redis): LeaseStore {
  return {
    async acquire(key, token, ttlMs) {
      return (await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK';
    },
    async renew(key, token, ttlMs) {
      return Number(await redis.eval(RENEW, 1, key, token, String(ttlMs))) === 1;
    },
    async release(key, token) {
      return Number(await redis.eval(RELEASE, 1, key, token)) === 1;
    },
  };
}
