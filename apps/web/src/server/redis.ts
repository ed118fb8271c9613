import { Redis } from 'ioredis';
import { env } from '../env.ts';

// On globalThis so dev-mode hot reloads reuse the connection instead of leaking one each.
const holder = globalThis as unknown as { tributaryConsoleRedis?: Redis };

/**
 * The console's Redis connection for page reads (workers' running versions, cached panel
 * results), created on first use. A request waits for Redis at most a second, then fails with
 * a plain error rather than hanging.
 */
export function getRedis(): Redis {
  holder.tributaryConsoleRedis ??= new Redis(env.REDIS_URL, {
    lazyConnect: true,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  return holder.tributaryConsoleRedis;
}

/** For tests and shutdown. */
export async function closeRedis(): Promise<void> {
  const r = holder.tributaryConsoleRedis;
  holder.tributaryConsoleRedis = undefined;
  await r?.quit().catch(() => r.disconnect());
}
