import { createHash } from 'node:crypto';

export interface KeyInfo {
  id: string;
  sourceId: string;
  sourceName: string;
}

export type KeyLookup = (plaintextKey: string) => Promise<KeyInfo | null>;

/**
 * Caches write-key lookups (hits and misses) for a short time so the hot path does not touch
 * Postgres per request. Keys are held by their hash, never in plaintext.
 */
export function cachedKeyLookup(lookup: KeyLookup, ttlMs: number): KeyLookup {
  const cache = new Map<string, { info: KeyInfo | null; until: number }>();
  return async (key) => {
    const id = createHash('sha256').update(key).digest('hex');
    const now = Date.now();
    const hit = cache.get(id);
    if (hit && hit.until > now) return hit.info;
    const info = await lookup(key);
    if (cache.size > 10_000) cache.clear();
    cache.set(id, { info, until: now + ttlMs });
    return info;
  };
}
