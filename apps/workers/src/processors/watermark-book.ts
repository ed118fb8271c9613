import type { ProcessorIntents } from './processor-intent.ts';

/**
 * Each processor's watermark (latest event time seen) per partition, kept in memory and, at the
 * end of every batch, in Redis beside the partition's intent: a worker that takes a partition
 * over (rebalance, restart) starts from where the previous owner got, so it cuts late events
 * the same way.
 */
export function createWatermarkBook(intents: ProcessorIntents) {
  const marks = new Map<string, Record<string, number>>();
  const keyOf = (topic: string, partition: number) => `${topic}:${partition}`;
  return {
    /** Watermarks of these processors on this partition (read from Redis the first time). */
    async at(topic: string, partition: number, names: string[]): Promise<Record<string, number>> {
      let known = marks.get(keyOf(topic, partition));
      if (!known) {
        known = await intents.watermarks(topic, partition);
        marks.set(keyOf(topic, partition), known);
      }
      const out: Record<string, number> = {};
      for (const n of names) if (known[n] !== undefined) out[n] = known[n];
      return out;
    },
    /** Records what a finished batch reached (after its intent was cleared with them). */
    advance(topic: string, partition: number, reached: Record<string, number>) {
      const known = marks.get(keyOf(topic, partition)) ?? {};
      for (const [n, v] of Object.entries(reached)) known[n] = Math.max(known[n] ?? 0, v);
      marks.set(keyOf(topic, partition), known);
    },
    /** Forgets a partition (it moved away): its next owner may have moved the watermark on. */
    forget(topic: string, partition: number) {
      marks.delete(keyOf(topic, partition));
    },
  };
}
export type WatermarkBook = ReturnType<typeof createWatermarkBook>;
