import type { Redis } from 'ioredis';
import { z } from 'zod';

/**
 * What a batch ran its processors with, written to Redis before any processor output is
 * inserted and removed with the events intent: the offset range, each processor's version and
 * its watermark at the batch's start. A batch delivered again after a crash is finished with
 * exactly these (same versions, same late-event cut), so its outputs — inserted with tokens
 * naming version and range — are the same blocks, deduplicated by ClickHouse.
 */
export interface ProcessorIntent {
  first: string;
  last: string;
  versions: Record<string, number>;
  watermarks: Record<string, number>;
  /**
   * Processors whose output block for the whole range is known to have landed (recorded right
   * after each insert): a redelivery shorter than the range must not insert those events again.
   */
  landed?: string[];
}

const intentSchema = z.object({
  first: z.string().regex(/^\d+$/),
  last: z.string().regex(/^\d+$/),
  versions: z.record(z.string(), z.number().int().positive()),
  watermarks: z.record(z.string(), z.number()),
  landed: z.array(z.string()).optional(),
});

export function createProcessorIntents(redis: Redis, prefix: string) {
  const intentKey = (topic: string, partition: number) => `${prefix}processor-intent:${topic}:${partition}`;
  const watermarkKey = (topic: string, partition: number) =>
    `${prefix}processor-watermarks:${topic}:${partition}`;
  return {
    async read(topic: string, partition: number): Promise<ProcessorIntent | null> {
      const raw = await redis.get(intentKey(topic, partition));
      if (raw === null) return null;
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        return null;
      }
      const parsed = intentSchema.safeParse(json);
      return parsed.success ? parsed.data : null;
    },
    async write(topic: string, partition: number, intent: ProcessorIntent): Promise<void> {
      await redis.set(intentKey(topic, partition), JSON.stringify(intent));
    },
    /** Keeps the watermarks reached without clearing the intent (its range is not finished yet). */
    async keepWatermarks(
      topic: string,
      partition: number,
      watermarks: Record<string, number>,
    ): Promise<void> {
      if (Object.keys(watermarks).length > 0) await redis.hset(watermarkKey(topic, partition), watermarks);
    },
    /** Clears the intent and keeps the watermarks reached, in one round trip. */
    async finish(topic: string, partition: number, watermarks: Record<string, number>): Promise<void> {
      const p = redis.pipeline().del(intentKey(topic, partition));
      if (Object.keys(watermarks).length > 0) p.hset(watermarkKey(topic, partition), watermarks);
      const results = await p.exec();
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
    },
    /** Watermarks a previous owner of the partition reached, by processor name. */
    async watermarks(topic: string, partition: number): Promise<Record<string, number>> {
      const all = await redis.hgetall(watermarkKey(topic, partition));
      const out: Record<string, number> = {};
      for (const [name, v] of Object.entries(all)) if (/^\d+$/.test(v)) out[name] = Number(v);
      return out;
    },
  };
}
export type ProcessorIntents = ReturnType<typeof createProcessorIntents>;
