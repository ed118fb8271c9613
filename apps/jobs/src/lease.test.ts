import { describe, expect, it } from 'vitest';
import { createLeaderLease } from './lease.ts';
import type { LeaseStore } from './lease-store.ts';

/**
 * The store's contract (SET NX PX, compare-and-expire, compare-and-delete) over a clock the test
 * moves; lease-store.int.test.ts checks the same contract against real Redis.
 */
function clockedStore(clock: { t: number }) {
  const keys = new Map<string, { token: string; until: number }>();
  let reachable = true;
  const live = (key: string) => {
    const k = keys.get(key);
    return k && k.until > clock.t ? k : undefined;
  };
  const check = () => {
    if (!reachable) throw new Error('store unreachable');
  };
  const store: LeaseStore = {
    async acquire(key, token, ttlMs) {
      check();
      if (live(key)) return false;
      keys.set(key, { token, until: clock.t + ttlMs });
      return true;
    },
    async renew(key, token, ttlMs) {
      check();
      const k = live(key);
      if (k?.token !== token) return false;
      k.until = clock.t + ttlMs;
      return true;
    },
    async release(key, token) {
      check();
      if (live(key)?.token !== token) return false;
      keys.delete(key);
      return true;
    },
  };
  return { store, setReachable: (r: boolean) => (reachable = r) };
}

const TTL = 15_000;

function pair() {
  const clock = { t: 1_000_000 };
  const { store, setReachable } = clockedStore(clock);
  const make = (token: string) =>
    createLeaderLease({ store, key: 'k', token, ttlMs: TTL, now: () => clock.t });
  return { clock, setReachable, a: make('a'), b: make('b') };
}

describe('leader lease', () => {
  it('goes to one of two instances, and stays with it while it renews', async () => {
    const { clock, a, b } = pair();
    expect(await a.tick()).toBe(true);
    expect(await b.tick()).toBe(false);
    for (let i = 0; i < 10; i++) {
      clock.t += TTL / 3;
      expect(await a.tick()).toBe(true);
      expect(await b.tick()).toBe(false);
    }
    expect(a.signal().aborted).toBe(false);
  });

  it('passes to the other once the holder stops renewing (it died) and the ttl ran out', async () => {
    const { clock, a, b } = pair();
    await a.tick();
    clock.t += TTL - 1;
    expect(await b.tick()).toBe(false);
    clock.t += 1;
    expect(await b.tick()).toBe(true);
    // The old holder learns it on its next renewal, and its runs are told to stop.
    const held = a.signal();
    expect(await a.tick()).toBe(false);
    expect(held.aborted).toBe(true);
    expect(await a.tick()).toBe(false);
  });

  it('gives up a lease it cannot renew before anyone else could take it', async () => {
    const { clock, setReachable, a, b } = pair();
    await a.tick();
    setReachable(false);
    clock.t += TTL / 3;
    expect(await a.tick()).toBe(true);
    clock.t += TTL / 3;
    // Half the ttl gone without a renewal: stop acting, while the key still blocks others.
    expect(await a.tick()).toBe(false);
    setReachable(true);
    expect(await b.tick()).toBe(false);
    clock.t += TTL / 3;
    expect(await b.tick()).toBe(true);
  });

  it('released on shutdown, it is free for the other at once', async () => {
    const { a, b } = pair();
    await a.tick();
    const held = a.signal();
    await a.release();
    expect(held.aborted).toBe(true);
    expect(a.held()).toBe(false);
    expect(await b.tick()).toBe(true);
    // A release by the one who no longer holds it does not free the new holder's lease.
    await a.release();
    expect(await a.tick()).toBe(false);
  });
});
