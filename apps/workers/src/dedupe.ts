import type { Redis } from 'ioredis';

/**
 * Event-id deduplication in Redis. An id is marked only AFTER its row was inserted, so a
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
}

export function createDedupe(redis: Redis, prefix: string, windowSeconds: number): Dedupe {
  const seenKey = (id: string) => `${prefix}seen:${id}`;
  const intentKey = (topic: string, partition: number) => `${prefix}intent:${topic}:${partition}`;
  return {
    async seen(ids) {
      if (ids.length === 0) return [];
      const values = await redis.mget(ids.map(seenKey));
      return values.map((v) => v !== null);
    },
    async markInserted(ids) {
      if (ids.length === 0) return;
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.set(seenKey(id), '1', 'EX', windowSeconds);
      const results = await pipeline.exec();
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
