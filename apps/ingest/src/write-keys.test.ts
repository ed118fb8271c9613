import { describe, expect, it } from 'vitest';
import { createWriteKeyCache, type KeyInfo } from './write-keys.ts';

const info = (id = 'k1', expiresAt: Date | null = null): KeyInfo => ({
  id,
  sourceId: 's1',
  sourceName: 'demo',
  expiresAt,
});

/** A lookup whose answers the test sets, counting its calls; `fail` makes it throw. */
function fakeLookup() {
  const state = {
    answer: info() as KeyInfo | null,
    fail: false,
    calls: 0,
    gate: null as Promise<void> | null,
  };
  const lookup = async () => {
    state.calls += 1;
    // What Postgres said when asked, even if the answer arrives later.
    const answer = state.answer;
    if (state.gate) await state.gate;
    if (state.fail) throw new Error('postgres down');
    return answer;
  };
  return { state, lookup };
}

describe('write-key cache', () => {
  it('answers from the cache until recheckMs, then asks again', async () => {
    let t = 0;
    const { state, lookup } = fakeLookup();
    const cache = createWriteKeyCache(lookup, { recheckMs: 2000, staleMs: 30_000, now: () => t });
    expect(await cache.lookup('key')).toEqual(info());
    t = 1999;
    state.answer = null; // revoked in Postgres
    expect(await cache.lookup('key')).toEqual(info());
    expect(state.calls).toBe(1);
    t = 2000;
    expect(await cache.lookup('key')).toBeNull();
    expect(state.calls).toBe(2);
  });

  it('drops everything on invalidate, so a revocation counts at once', async () => {
    const { state, lookup } = fakeLookup();
    const cache = createWriteKeyCache(lookup, { recheckMs: 60_000, staleMs: 60_000 });
    expect(await cache.lookup('key')).not.toBeNull();
    state.answer = null;
    cache.invalidate();
    expect(cache.size()).toBe(0);
    expect(await cache.lookup('key')).toBeNull();
  });

  it('does not store the answer of a lookup that started before an invalidate', async () => {
    const { state, lookup } = fakeLookup();
    const cache = createWriteKeyCache(lookup, { recheckMs: 60_000, staleMs: 60_000 });
    let open!: () => void;
    state.gate = new Promise((r) => (open = r));
    const early = cache.lookup('key'); // read before the revocation committed
    cache.invalidate();
    state.answer = null;
    state.gate = null;
    const late = cache.lookup('key'); // a new lookup, not joined to the early one
    open();
    expect(await early).not.toBeNull();
    expect(await late).toBeNull();
    expect(await cache.lookup('key')).toBeNull();
  });

  it('shares one lookup between concurrent requests of a key', async () => {
    const { state, lookup } = fakeLookup();
    const cache = createWriteKeyCache(lookup, { recheckMs: 1000, staleMs: 1000 });
    await Promise.all(Array.from({ length: 20 }, () => cache.lookup('key')));
    expect(state.calls).toBe(1);
  });

  it('keeps a held answer while Postgres fails, up to staleMs, then fails', async () => {
    let t = 0;
    const { state, lookup } = fakeLookup();
    const cache = createWriteKeyCache(lookup, { recheckMs: 1000, staleMs: 10_000, now: () => t });
    await cache.lookup('key');
    state.fail = true;
    t = 9999;
    expect(await cache.lookup('key')).toEqual(info());
    t = 10_000;
    await expect(cache.lookup('key')).rejects.toThrow('postgres down');
    // Never for a key it does not hold.
    await expect(cache.lookup('other')).rejects.toThrow('postgres down');
  });

  it('refuses an expired key even from the cache', async () => {
    let t = 0;
    const cache = createWriteKeyCache(async (k) => info(k, new Date(500)), {
      recheckMs: 60_000,
      staleMs: 60_000,
      now: () => t,
    });
    expect(await cache.lookup('key')).not.toBeNull();
    t = 500;
    expect(await cache.lookup('key')).toBeNull();
  });
});
