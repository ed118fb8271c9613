import type { DedupeStore } from './types.ts';

/**
 * A DedupeStore in process memory (the console's preview and tests; a worker fleet shares
 * Redis instead). Expired keys are swept as the map grows, so memory follows the window.
 */
export function createMemoryDedupeStore(now: () => number = Date.now): DedupeStore {
  const seen = new Map<string, { expiresAt: number; owner: string | undefined }>();
  let nextSweepAt = 10_000;
  const sweep = (t: number) => {
    for (const [k, v] of seen) if (v.expiresAt <= t) seen.delete(k);
    nextSweepAt = Math.max(10_000, seen.size * 2);
  };
  return {
    firstSeen(scope, keys, windowSeconds, owners) {
      const t = now();
      if (seen.size >= nextSweepAt) sweep(t);
      const answers = keys.map((key, i) => {
        const k = JSON.stringify([scope, key]);
        const owner = owners?.[i];
        const prior = seen.get(k);
        if (prior !== undefined && prior.expiresAt > t) return owner !== undefined && prior.owner === owner;
        seen.set(k, { expiresAt: t + windowSeconds * 1000, owner });
        return true;
      });
      return Promise.resolve(answers);
    },
  };
}
