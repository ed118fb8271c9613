import type { Redis } from 'ioredis';

// Renews only while the key still holds our id, so a lease taken over after we stalled is never
// extended (or released) by us.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * A Redis lease: whoever holds `key` does the work; it lapses after `ttlMs` unless renewed, so
 * a console that stopped or hung hands the work to another within one ttl.
 */
export class Lease {
  constructor(
    private readonly redis: Redis,
    readonly key: string,
    readonly holder: string,
    private readonly ttlMs: number,
  ) {}

  /** Takes the lease when free, renews it when ours; true while we hold it. */
  async acquire(): Promise<boolean> {
    const renewed = await this.redis.eval(RENEW, 1, this.key, this.holder, String(this.ttlMs));
    if (renewed === 1) return true;
    const taken = await this.redis.set(this.key, this.holder, 'PX', this.ttlMs, 'NX');
    return taken === 'OK';
  }

  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, this.holder);
  }
}
