import type { Redis } from 'ioredis';

/**
 * Event deduplication in Redis, by identity key (eventIdentityKey: source, event_type and
 * event_id — the callers pass those keys as the "ids" here). An id is marked only AFTER its
 * row was inserted, so a
 * redelivered event whose insert never completed is never dropped. The "intent" key records
 * the offset range being inserted for a partition; finding one on arrival means the previous
 * owner died between insert and mark, and the caller must ask ClickHouse what already landed.
 */
export interface Dedupe {
  /** Returns which ids were already inserted (same order as `ids`). */
  seen(ids: string[]): Promise<boolean[]>;
  markInserted(ids: string[]): Promise<void>;
  readIntent(topic: string, partition: number): Promise<{ first: bigint; last: bigint } | null>;
  writeIntent(topic: string, partition: number, first: string, last: string): Promise<void>;
  clearIntent(topic: string, partition: number): Promise<void>;
  /**
   * Since when (ms) Redis holds every mark: a key without expiry, gone with the rest when Redis
   * restarts empty or is flushed. null = Redis does not know.
   */
  memorySince(): Promise<number | null>;
  /** Records it unless another worker did first; returns the value that holds. */
  initMemorySince(ms: number): Promise<number>;
  windowSeconds: number;
}

/**
 * Inserted ids live in Redis sets, one per time bucket of half the window, and a lookup checks
 * the three newest buckets (so an id is remembered for at least the window, at most 1.5×).
 * One SMISMEMBER per bucket and one SADD per batch replace one command per event: per-command
 * work in the client and in Redis dominated at 10k+ events/s (docs/decisions/exactly-once.md).
 */
export function createDedupe(
  redis: Redis,
  prefix: string,
  windowSeconds: number,
  now: () => number = Date.now,
): Dedupe {
  const bucketSeconds = Math.max(1, Math.floor(windowSeconds / 2));
  const bucketOf = (ms: number) => Math.floor(ms / 1000 / bucketSeconds);
  // NOTE: the members are identity keys since the source became part of an event's identity.
  // The sets (and the memory marker) got new names with it: marks of bare event_ids under the
  // old names are never read, and the missing marker makes the workers check ClickHouse for one
  // window after the upgrade, as after a Redis flush (dedupe-memory.ts).
  const seenKey = (bucket: number) => `${prefix}seen-identity:${bucket}`;
  const intentKey = (topic: string, partition: number) => `${prefix}intent:${topic}:${partition}`;
  const sinceKey = `${prefix}dedupe:identity-since`;
  return {
    windowSeconds,
    async memorySince() {
      const v = await redis.get(sinceKey);
      return v && /^\d+$/.test(v) ? Number(v) : null;
    },
    async initMemorySince(ms) {
      await redis.set(sinceKey, String(ms), 'NX');
      const v = await redis.get(sinceKey);
      return v && /^\d+$/.test(v) ? Number(v) : ms;
    },
    async seen(ids) {
      if (ids.length === 0) return [];
      const current = bucketOf(now());
      const pipeline = redis.pipeline();
      for (let b = current; b > current - 3; b--) pipeline.smismember(seenKey(b), ...ids);
      const results = await pipeline.exec();
      const out = new Array<boolean>(ids.length).fill(false);
      for (const [err, flags] of results ?? []) {
        if (err) throw err;
        (flags as number[]).forEach((f, i) => {
          if (f === 1) out[i] = true;
        });
      }
      return out;
    },
    async markInserted(ids) {
      if (ids.length === 0) return;
      const key = seenKey(bucketOf(now()));
      const results = await redis
        .pipeline()
        .sadd(key, ...ids)
        .expire(key, bucketSeconds * 3 + 60)
        .exec();
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
    },
    async readIntent(topic, partition) {
      const v = await redis.get(intentKey(topic, partition));
      const m = v ? /^(\d+)-(\d+)$/.exec(v) : null;
      return m ? { first: BigInt(m[1]!), last: BigInt(m[2]!) } : null;
    },
    async writeIntent(topic, partition, first, last) {
      await redis.set(intentKey(topic, partition), `${first}-${last}`);
    },
    async clearIntent(topic, partition) {
      await redis.del(intentKey(topic, partition));
    },
  };
}
