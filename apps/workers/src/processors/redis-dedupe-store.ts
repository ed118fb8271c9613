import type { Redis } from 'ioredis';
import type { DedupeStore } from '@tributary/pipeline';

/**
 * The dedupe step's memory in Redis: one key per (scope, key), SET NX with the window as its
 * expiry, all of a batch's keys in one pipeline.
 *
 * CRITICAL: each key's value is the batch that claimed it (`owner`: processor, version and the
 * batch's offset range). A batch delivered again after a crash (same range, same version, see
 * processor-stage.ts) finds its own claims and keeps those events again, so its outputs come out
 * the same as the first time; a plain SET NX would drop every event of the redelivered batch.
 */
export function createRedisDedupeStore(redis: Redis, prefix: string) {
  const keyOf = (scope: string, key: string) => `${prefix}processor-dedupe:${scope}:${key}`;
  return {
    /** The store one batch uses; `owner` names that batch. */
    forOwner(owner: string): DedupeStore {
      return {
        async firstSeen(scope, keys, windowSeconds) {
          if (keys.length === 0) return [];
          const pipeline = redis.pipeline();
          // SET … NX GET answers the value that was there (null when this call set it).
          for (const k of keys) pipeline.set(keyOf(scope, k), owner, 'PX', windowSeconds * 1000, 'NX', 'GET');
          const results = (await pipeline.exec()) ?? [];
          const answered = new Set<string>();
          return keys.map((k, i) => {
            const [err, previous] = results[i] ?? [new Error('no reply from redis'), null];
            if (err) throw err;
            // A key repeated inside the batch: only its first occurrence is a first sighting.
            if (answered.has(k)) return false;
            answered.add(k);
            return previous === null || previous === owner;
          });
        },
      };
    },
  };
}
export type RedisDedupeStore = ReturnType<typeof createRedisDedupeStore>;
