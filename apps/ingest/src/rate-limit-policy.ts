import { createHash } from 'node:crypto';
import { TributaryError } from '@tributary/contracts';
import type { SourceRateLimit } from '@tributary/pipeline';
import type { BucketLimit, BucketVerdict, RateLimiter } from './rate-limit.ts';

/** A refusal with the seconds a client should wait (the Retry-After header). */
export class RateLimitedError extends TributaryError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('rate_limited', message);
  }
}

export interface IngestRateLimits {
  /**
   * Before anything else (headers only, no body read, no key lookup): refuses a request from
   * an address that spent its budget of unauthenticated requests, unless it carries a key this
   * instance recently accepted.
   */
  precheck(ip: string, token: string | null): void;
  /** Before the body is read: refuses a key whose bucket this instance last saw empty. */
  beforeBody(keyId: string, sourceName: string): void;
  /** After a missing or unknown key: charges the address. Throws RateLimitedError when over. */
  unauthenticated(ip: string): Promise<void>;
  /** A key was accepted: remembered so its requests pass an address's block. */
  authenticated(token: string): void;
  /** Charges the key `events` events. Throws RateLimitedError (429) or 413 above the burst. */
  events(keyId: string, sourceName: string, events: number): Promise<void>;
}

/**
 * What ingest limits, in which unit:
 * - per write key, in **events** (a request of 500 events costs 500): events are what Kafka, the
 *   workers and ClickHouse pay for, and a request carries at least one, so the event budget bounds
 *   the request rate too. The source's figures (console/API) override the defaults.
 * - per client address, in **requests**, only those without a valid key: what an attacker
 *   guessing keys or flooding 401s costs us. Checked before the key lookup and before the body
 *   is read.
 */
export function createIngestRateLimits(opts: {
  limiter: RateLimiter;
  defaults: BucketLimit;
  unauthenticatedPerIp: BucketLimit;
  sourceLimit: (sourceName: string) => SourceRateLimit | null;
  onLimited?: (reason: 'key' | 'unauthenticated') => void;
}): IngestRateLimits {
  const { limiter } = opts;
  // Hashes of keys accepted recently, so a blocked address shared with a legitimate producer
  // (NAT, a proxy) still lets that producer's requests through to their own bucket.
  const recentKeys = new Map<string, number>();
  const RECENT_MS = 60_000;
  const hash = (token: string) => createHash('sha256').update(token).digest('base64url');

  const refuse = (what: string, ms: number) => {
    const seconds = Math.max(1, Math.ceil(ms / 1000));
    return new RateLimitedError(`${what}; retry after ${seconds} s`, seconds);
  };

  function limitFor(sourceName: string): BucketLimit {
    const own = opts.sourceLimit(sourceName);
    return {
      perSecond: own?.eventsPerSecond ?? opts.defaults.perSecond,
      burst: own?.burst ?? opts.defaults.burst,
    };
  }

  return {
    precheck(ip, token) {
      const now = Date.now();
      const ipEmpty = limiter.emptyUntil(`ip:${ip}`);
      if (ipEmpty > now && !(token && (recentKeys.get(hash(token)) ?? 0) > now)) {
        opts.onLimited?.('unauthenticated');
        throw refuse('Too many requests without a valid write key from this address', ipEmpty - now);
      }
    },

    async unauthenticated(ip) {
      const v = await limiter.take(`ip:${ip}`, opts.unauthenticatedPerIp, 1);
      if (!v.allowed) {
        opts.onLimited?.('unauthenticated');
        throw refuse('Too many requests without a valid write key from this address', v.retryAfterMs);
      }
    },

    beforeBody(keyId, sourceName) {
      const now = Date.now();
      const until = limiter.emptyUntil(`key:${keyId}`);
      if (until > now) {
        opts.onLimited?.('key');
        throw refuse(`Rate limit of source '${sourceName}' exceeded`, until - now);
      }
    },

    authenticated(token) {
      if (recentKeys.size > 10_000) recentKeys.clear();
      recentKeys.set(hash(token), Date.now() + RECENT_MS);
    },

    async events(keyId, sourceName, events) {
      const limit = limitFor(sourceName);
      const v: BucketVerdict = await limiter.take(`key:${keyId}`, limit, Math.max(1, events));
      if (v.allowed) return;
      if (v.tooLarge) {
        throw new TributaryError(
          'payload_too_large',
          `This request has ${events} events; source '${sourceName}' may send at most ${limit.burst} at once (its rate limit's burst): send smaller batches`,
        );
      }
      opts.onLimited?.('key');
      throw refuse(
        `Rate limit of source '${sourceName}' exceeded (${limit.perSecond} events/s per write key, burst ${limit.burst})`,
        v.retryAfterMs,
      );
    },
  };
}
