import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** Failed sign-ins allowed per email and per IP within FAILURE_WINDOW_S; the next one gets 429. */
export const MAX_FAILURES = 10;
export const FAILURE_WINDOW_S = 60;

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterS: number };

/**
 * Counts failed sign-ins in Redis (shared by every console process) per email and per client IP,
 * each in a fixed one-minute window from its first failure. After MAX_FAILURES in a window the
 * next attempt is refused before the password is checked, so a guesser gets 10 tries a minute
 * however fast it sends. NOTE: when Redis does not answer, each process counts in memory
 * (rate-limiter-flexible's insurance limiter): sign-in is never unlimited and never refused
 * because Redis is down.
 */
export class SignInThrottle {
  private readonly byEmail: RateLimiterAbstract;
  private readonly byIp: RateLimiterAbstract;

  constructor(redis: Redis, prefix: string, opts: { points?: number; durationS?: number } = {}) {
    const points = opts.points ?? MAX_FAILURES;
    const duration = opts.durationS ?? FAILURE_WINDOW_S;
    const make = (name: string) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${prefix}signin:${name}`,
        points,
        duration,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: `signin:${name}`, points, duration }),
      });
    this.byEmail = make('email');
    this.byIp = make('ip');
  }

  /** Whether another attempt for this email from this IP may be checked now. */
  async check(email: string, ip: string | null): Promise<ThrottleVerdict> {
    const pairs: [RateLimiterAbstract, string][] = [[this.byEmail, email]];
    if (ip) pairs.push([this.byIp, ip]);
    let retryMs = 0;
    for (const [limiter, key] of pairs) {
      const res = await limiter.get(key);
      if (res && res.consumedPoints >= limiter.points) retryMs = Math.max(retryMs, res.msBeforeNext);
    }
    return retryMs > 0
      ? { allowed: false, retryAfterS: Math.max(1, Math.ceil(retryMs / 1000)) }
      : { allowed: true };
  }

  /** Counts one failed attempt against the email and the IP. */
  async fail(email: string, ip: string | null): Promise<void> {
    await consume(this.byEmail, email);
    if (ip) await consume(this.byIp, ip);
  }

  /** A correct password clears the email's count (the IP's stays: it may be guessing others). */
  async succeeded(email: string): Promise<void> {
    await this.byEmail.delete(email);
  }
}

/** consume() rejects with a RateLimiterRes once over the limit; that is still a counted failure. */
async function consume(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (err instanceof Error) throw err;
  }
}

export function createThrottleRedis(url: string): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    // A sign-in waits for Redis at most a second, then the in-memory insurance limiter decides.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 1000,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  redis.on('error', () => {
    // Reported by the insurance limiter taking over; a console without Redis still signs people in.
  });
  void redis.connect().catch(() => {});
  return redis;
}
