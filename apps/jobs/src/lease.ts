import type { LeaseStore } from './lease-store.ts';

export interface LeaderLease {
  /**
   * One step of holding the lease: renews it when held, tries to take it when not. Returns
   * whether this instance holds it afterwards. A renewal refused (another holder) or failing
   * until the lease must have lapsed ends the holding: `signal` aborts.
   */
  tick(): Promise<boolean>;
  held(): boolean;
  /** Aborts when the current holding ends (lost or released); a fresh one per holding. */
  signal(): AbortSignal;
  /** Gives the lease up (shutdown), so another instance takes it at its next tick. */
  release(): Promise<void>;
}

/**
 * A lease held across runs (one leader per job), kept by ticking it at least every third of its
 * ttl. Time comes from `now` so the logic is tested without waiting (lease.test.ts).
 */
export function createLeaderLease(opts: {
  store: LeaseStore;
  key: string;
  token: string;
  ttlMs: number;
  now?: () => number;
}): LeaderLease {
  const now = opts.now ?? Date.now;
  let holding: AbortController | null = null;
  let renewedAt = 0;

  const lose = (why: string) => {
    holding?.abort(new Error(why));
    holding = null;
  };

  return {
    async tick() {
      if (holding) {
        // NOTE: `started` is taken before the call: the lease's ttl runs from the server's
        // acknowledgement at best, so counting from the request errs on the safe side.
        const started = now();
        try {
          if (await opts.store.renew(opts.key, opts.token, opts.ttlMs)) renewedAt = started;
          else lose('the lease went to another instance');
        } catch {
          // The store unreachable: we may still hold it, but only until the ttl since the last
          // renewal runs out, and the next tick may come a third of it later. Half the ttl
          // leaves that margin: the holder stops before anyone else can take the lease.
          if (now() - renewedAt >= opts.ttlMs / 2) lose('the lease could not be renewed in time');
        }
        return holding !== null;
      }
      const started = now();
      if (await opts.store.acquire(opts.key, opts.token, opts.ttlMs).catch(() => false)) {
        holding = new AbortController();
        renewedAt = started;
      }
      return holding !== null;
    },
    held: () => holding !== null,
    signal: () => holding?.signal ?? AbortSignal.abort(new Error('the lease is not held')),
    async release() {
      if (!holding) return;
      lose('the lease was released');
      await opts.store.release(opts.key, opts.token).catch(() => false);
    },
  };
}
