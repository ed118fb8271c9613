import { parseWorkerRunning, workersRunningPattern, type WorkerRunning } from '@tributary/processors';
import { Redis } from 'ioredis';
import { env } from '../../env.ts';

// On globalThis so dev-mode hot reloads reuse the connection instead of leaking one each.
const holder = globalThis as unknown as { tributaryWorkersRedis?: Redis };

function redis(): Redis {
  holder.tributaryWorkersRedis ??= new Redis(env.REDIS_URL, {
    lazyConnect: true,
    // A page poll waits for Redis at most a second, then shows the error.
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  return holder.tributaryWorkersRedis;
}

/** More instances than any deployment runs; bounds one answer. */
const MAX_WORKERS = 500;

/**
 * What each worker reports it runs, read from the keys the workers refresh every 5 s (15 s
 * TTL): a worker that stopped drops out within 15 s. Sorted by instance.
 */
export async function readWorkersRunning(
  client: Redis = redis(),
  prefix = env.REDIS_PREFIX,
): Promise<WorkerRunning[]> {
  if (client.status === 'wait') await client.connect().catch(() => {});
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', workersRunningPattern(prefix), 'COUNT', 200);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0' && keys.length < MAX_WORKERS);
  if (keys.length === 0) return [];
  const values = await client.mget(...keys.slice(0, MAX_WORKERS));
  return values
    .map(parseWorkerRunning)
    .filter((w): w is WorkerRunning => w !== null)
    .sort((a, b) => a.instance.localeCompare(b.instance));
}

export async function closeWorkersRedis(): Promise<void> {
  const r = holder.tributaryWorkersRedis;
  holder.tributaryWorkersRedis = undefined;
  await r?.quit().catch(() => r.disconnect());
}
