import { z } from 'zod';

/**
 * What each worker reports it runs: the value of `${REDIS_PREFIX}workers:running:<instance>`,
 * written by the workers every 5 s with a 15 s TTL (an instance that stopped reporting drops
 * out by itself).
 */
export const workerRunningSchema = z.object({
  instance: z.string().min(1),
  /** ISO time (or epoch ms) of the report. */
  at: z.union([z.string(), z.number()]),
  processors: z.record(
    z.string(),
    z.object({ version: z.number().int().positive(), since: z.union([z.string(), z.number()]) }),
  ),
  /** Versions this worker could not compile (the previous one kept running). */
  failed: z
    .record(
      z.string(),
      z.object({ version: z.number().int().positive(), reason: z.string(), at: z.string() }),
    )
    .optional(),
});
export type WorkerRunning = z.infer<typeof workerRunningSchema>;

export function workersRunningPattern(redisPrefix: string): string {
  return `${redisPrefix}workers:running:*`;
}

/** A report read back, or null when it is not one (wrong shape, not JSON). */
export function parseWorkerRunning(text: string | null): WorkerRunning | null {
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = workerRunningSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
