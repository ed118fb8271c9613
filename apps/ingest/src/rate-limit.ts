import { Redis } from 'ioredis';
import type { Logger } from '@tributary/telemetry';
import { createLocalBuckets } from './rate-limit-local.ts';

/** A token bucket: refills at `perSecond`, holds at most `burst`. Units are the caller's (events, requests). */
export interface BucketLimit {
  perSecond: number;
  burst: number;
}

export type BucketVerdict =
  | { allowed: true; remaining: number }
  | {
      allowed: false;
      /** The cost exceeds the bucket's size: no wait makes it pass. */
      tooLarge: boolean;
      /** How long until `cost` tokens are there. */
      retryAfterMs: number;
      remaining: number;
    };

export interface RateLimiter {
  /** Takes `cost` tokens from the bucket when it holds them; all or nothing. */
  take(bucket: string, limit: BucketLimit, cost: number): Promise<BucketVerdict>;
  /** Epoch ms until which this instance last saw the bucket hold less than one token (0: not known empty). */
  emptyUntil(bucket: string): number;
  /** Whether the last decisions were taken in Redis (shared) rather than locally. */
  shared(): boolean;
  /**
   * Resolves once Redis is ready or `ms` passed, whichever is first; never rejects (ingest starts
   * without Redis and decides locally until it answers).
   */
  ready(ms: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * One round trip per decision: refill by the time elapsed (Redis's clock, so instances with
 * skewed clocks agree), take `cost` if there, remember the level. A bucket left alone expires once
 * it would be full again: a missing bucket and a full one are the same thing.
 * ARGV[4] `extra`: up to this many tokens beyond the cost are taken too when there (a lease the
 * instance spends locally, see LEASE_MS).
 * Returns {allowed (0/1), wait ms (-1: cost above burst), tokens left (as text: Lua numbers
 * become integers on the way out), extra tokens granted}.
 */
const TAKE_TOKENS = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local extra = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1])
local at = tonumber(b[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
if now > at then tokens = math.min(burst, tokens + (now - at) * rate / 1000) end
if cost > burst then return {0, -1, tostring(tokens), 0} end
local allowed = 0
local wait = 0
local granted = 0
if tokens >= cost then
  granted = math.floor(math.min(extra, tokens - cost))
  tokens = tokens - cost - granted
  allowed = 1
else
  wait = math.ceil((cost - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(math.max(now, at)))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1000)
return {allowed, wait, tostring(tokens), granted}
`;

/**
 * A Redis decision grants up to a twentieth of a second's worth of tokens beyond its cost; the
 * instance spends them on the key's next requests for at most LEASE_MS without asking Redis, so a
 * key sending many small requests costs a round trip per lease rather than per request. The
 * shared bucket is never overdrawn (leased tokens were taken from it); a lease left unspent
 * expires, so a key can at worst get up to one lease per instance less than its rate. Limits
 * under 20 events/s get no lease.
 */
const LEASE_MS = 250;
const leaseSize = (limit: BucketLimit) => Math.floor(Math.min(limit.perSecond, limit.burst) / 20);

type TakeTokens = (
  key: string,
  rate: number,
  burst: number,
  cost: number,
  extra: number,
) => Promise<[number, number, string, number]>;

/**
 * Token buckets in Redis, shared by every ingest instance.
 *
 * CRITICAL: fails open to per-instance buckets. Ingest's stance is that Redis is not on the
 * path to accepting an event (accepted means Kafka acknowledged; see the Redis-outage fault
 * test), so while Redis does not answer within `timeoutMs` each instance applies the same
 * limits on its own: a key is limited per instance instead of across them, never refused
 * because Redis is down, never left unlimited. See docs/decisions/ingest-rate-limits.md.
 */
export function createRedisRateLimiter(opts: {
  url: string;
  prefix: string;
  timeoutMs: number;
  logger: Logger;
  /** Called for each decision taken locally because Redis did not answer. */
  onFallback?: () => void;
}): RateLimiter {
  const redis = new Redis(opts.url, {
    lazyConnect: true,
    // No queue while disconnected and no retries of a command: a decision waits for Redis at
    // most `timeoutMs`, then is taken locally.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: opts.timeoutMs,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    // Decisions of concurrent requests go out in one write (one syscall, one round trip).
    enableAutoPipelining: true,
  });
  redis.defineCommand('tributaryTakeTokens', { numberOfKeys: 1, lua: TAKE_TOKENS });
  const takeTokens = (redis as unknown as { tributaryTakeTokens: TakeTokens }).tributaryTakeTokens.bind(
    redis,
  );
  let lastError = '';
  redis.on('error', (err: Error) => {
    if (err.message !== lastError) opts.logger.warn({ err: err.message }, 'rate limit redis error');
    lastError = err.message;
  });
  void redis.connect().catch(() => {});

  const local = createLocalBuckets();
  const empty = new Map<string, number>();
  const leases = new Map<string, { tokens: number; until: number }>();
  const inflight = new Map<string, Promise<BucketVerdict>>();
  let sharedNow = true;

  function remember(bucket: string, limit: BucketLimit, v: BucketVerdict) {
    if (v.remaining < 1) {
      if (empty.size > 100_000) empty.clear();
      empty.set(bucket, Date.now() + Math.ceil(((1 - v.remaining) * 1000) / limit.perSecond));
    } else empty.delete(bucket);
  }

  /** One decision in Redis (or, when it does not answer, in this instance). */
  async function decide(bucket: string, limit: BucketLimit, cost: number): Promise<BucketVerdict> {
    let verdict: BucketVerdict;
    try {
      const [allowed, wait, tokens, granted] = await takeTokens(
        `${opts.prefix}ingest:bucket:${bucket}`,
        limit.perSecond,
        limit.burst,
        cost,
        leaseSize(limit),
      );
      // What this instance may still spend: the shared bucket's level plus its own lease.
      const remaining = Number(tokens) + granted;
      if (granted > 0) {
        if (leases.size > 100_000) leases.clear();
        const held = leases.get(bucket);
        const kept = held && held.until > Date.now() ? held.tokens : 0;
        leases.set(bucket, { tokens: kept + granted, until: Date.now() + LEASE_MS });
      }
      verdict =
        allowed === 1
          ? { allowed: true, remaining }
          : { allowed: false, tooLarge: wait < 0, retryAfterMs: Math.max(0, wait), remaining };
      if (!sharedNow) opts.logger.info('rate limits shared through Redis again');
      sharedNow = true;
    } catch (err) {
      if (sharedNow) {
        opts.logger.warn(
          { err: String(err) },
          'Redis does not answer: rate limits apply per ingest instance until it does',
        );
      }
      sharedNow = false;
      opts.onFallback?.();
      verdict = local.take(bucket, limit, cost);
    }
    remember(bucket, limit, verdict);
    return verdict;
  }

  return {
    async take(bucket, limit, cost) {
      // NOTE: one Redis decision per bucket at a time in this instance: concurrent requests of
      // a key wait for it and spend its lease, instead of each taking a lease of its own (which
      // drained the shared bucket in a burst of parallel requests).
      for (;;) {
        const lease = leases.get(bucket);
        if (lease && lease.until > Date.now() && lease.tokens >= cost) {
          lease.tokens -= cost;
          return { allowed: true, remaining: lease.tokens };
        }
        const pending = inflight.get(bucket);
        if (!pending) break;
        await pending;
      }
      const decision = decide(bucket, limit, cost);
      inflight.set(bucket, decision);
      try {
        return await decision;
      } finally {
        if (inflight.get(bucket) === decision) inflight.delete(bucket);
      }
    },
    emptyUntil: (bucket) => empty.get(bucket) ?? 0,
    shared: () => sharedNow,
    async ready(ms) {
      if (redis.status === 'ready') return true;
      let timer: NodeJS.Timeout | undefined;
      let onReady: (() => void) | undefined;
      const ok = await Promise.race([
        new Promise<boolean>((resolve) => {
          onReady = () => resolve(true);
          redis.once('ready', onReady);
        }),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
      ]);
      clearTimeout(timer);
      if (onReady) redis.off('ready', onReady);
      return ok;
    },
    async close() {
      redis.disconnect();
    },
  };
}
