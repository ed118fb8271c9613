import { parseWorkerRunning, workersRunningPattern, type WorkerRunning } from '@tributary/processors';
import type { Redis } from 'ioredis';
import { env } from '../../env.ts';
import { getRedis } from '../redis.ts';

/** More instances than any deployment runs; bounds one answer. */
const MAX_WORKERS = 500;

/**
 * What each worker reports it runs, read from the keys the workers refresh every 5 s (15 s
 * TTL): a worker that stopped drops out within 15 s. Sorted by instance.
 */
export async function readWorkersRunning(
  client: Redis = getRedis(),
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
