import type { Redis } from 'ioredis';
import { env } from '../../env.ts';
import { createThrottleRedis, SignInThrottle } from './sign-in-throttle.ts';

// On globalThis so dev-mode hot reloads reuse the Redis connection instead of leaking one each.
const holder = globalThis as unknown as {
  tributarySignInThrottle?: { redis: Redis; throttle: SignInThrottle };
};

/** The process's sign-in throttle, created on first use (never at import time). */
export function getSignInThrottle(): SignInThrottle {
  if (!holder.tributarySignInThrottle) {
    const redis = createThrottleRedis(env.REDIS_URL);
    holder.tributarySignInThrottle = { redis, throttle: new SignInThrottle(redis, env.REDIS_PREFIX) };
  }
  return holder.tributarySignInThrottle.throttle;
}
