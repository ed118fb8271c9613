import { createHash } from 'node:crypto';

export interface KeyInfo {
  id: string;
  sourceId: string;
  sourceName: string;
  /** The key is refused from this time on, cached or not. */
  expiresAt: Date | null;
}

export type KeyLookup = (plaintextKey: string) => Promise<KeyInfo | null>;

export interface WriteKeyCache {
  lookup: KeyLookup;
  /**
   * Forgets every cached answer, so the next request of every key asks Postgres. Called on any
   * write_keys hint from the control topic (a key was issued or revoked somewhere).
   */
  invalidate(): void;
  size(): number;
}

export interface WriteKeyCacheOptions {
  /** An answer older than this is checked against Postgres again before it is used. */
  recheckMs: number;
  /**
   * While Postgres cannot be asked, an answer up to this old is still used (ingest keeps taking
   * events through a database restart). NOTE: only answers the cache still holds: a revocation
   * hint drops them all, so a key revoked just before Postgres went down is not served.
   */
  staleMs: number;
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  info: KeyInfo | null;
  checkedAt: number;
}

/**
 * Write-key lookups (hits and misses) held for a short time so the hot path does not touch
 * Postgres per request. Keys are held by their hash, never in plaintext. Concurrent requests
 * of one key share one Postgres lookup.
 *
 * NOTE: revocation reaches a running ingest two ways (docs/decisions/key-revocation.md): at once
 * through `invalidate()` on a control-topic hint, and at the latest `recheckMs` later because
 * every answer is re-checked that often — which holds when the control topic is slow or down.
 */
export function createWriteKeyCache(lookup: KeyLookup, opts: WriteKeyCacheOptions): WriteKeyCache {
  const now = opts.now ?? Date.now;
  const maxEntries = opts.maxEntries ?? 10_000;
  let cache = new Map<string, Entry>();
  const pending = new Map<string, Promise<KeyInfo | null>>();
  // Bumped by invalidate(): a lookup that started before it must not store its (possibly
  // pre-revocation) answer afterwards.
  let generation = 0;

  const usable = (info: KeyInfo | null, at: number): KeyInfo | null =>
    info && info.expiresAt !== null && info.expiresAt.getTime() <= at ? null : info;

  async function fetchAndStore(
    id: string,
    key: string,
    previous: Entry | undefined,
  ): Promise<KeyInfo | null> {
    const startedIn = generation;
    let info: KeyInfo | null;
    try {
      info = await lookup(key);
    } catch (err) {
      if (previous && generation === startedIn && now() - previous.checkedAt < opts.staleMs) {
        return previous.info;
      }
      throw err;
    }
    if (generation === startedIn) {
      if (cache.size >= maxEntries) cache = new Map();
      cache.set(id, { info, checkedAt: now() });
    }
    return info;
  }

  return {
    async lookup(key) {
      const id = createHash('sha256').update(key).digest('hex');
      const hit = cache.get(id);
      if (hit && now() - hit.checkedAt < opts.recheckMs) return usable(hit.info, now());
      let p = pending.get(id);
      if (!p) {
        const started = fetchAndStore(id, key, hit).finally(() => {
          // Only its own entry: invalidate() may have let a newer lookup of the key start.
          if (pending.get(id) === started) pending.delete(id);
        });
        pending.set(id, started);
        p = started;
      }
      return usable(await p, now());
    },
    invalidate() {
      generation += 1;
      cache = new Map();
      pending.clear();
    },
    size: () => cache.size,
  };
}
