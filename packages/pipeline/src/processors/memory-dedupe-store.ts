import type { DedupeStore } from './types.ts';

/**
 * A DedupeStore in process memory (the console's preview and tests; a worker fleet shares
 * Redis instead). Expired keys are swept as the map grows, so memory follows the window.
 */
export function createMemoryDedupeStore(now: () => number = Date.now): DedupeStore {
  const expiresAt = new Map<string, number>();
  let nextSweepAt = 10_000;
  const sweep = (t: number) => {
    for (const [k, exp] of expiresAt) if (exp <= t) expiresAt.delete(k);
    nextSweepAt = Math.max(10_000, expiresAt.size * 2);
  };
  return {
    firstSeen(scope, keys, windowSeconds) {
      const t = now();
      if (expiresAt.size >= nextSweepAt) sweep(t);
      const answers = keys.map((key) => {
        const k = JSON.stringify([scope, key]);
        const exp = expiresAt.get(k);
        if (exp !== undefined && exp > t) return false;
        expiresAt.set(k, t + windowSeconds * 1000);
        return true;
      });
      return Promise.resolve(answers);
    },
  };
}
