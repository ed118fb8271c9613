import type { DlqReplay } from '@tributary/contracts';
import { claimReplays } from './replay-claim.ts';
import { runClaimed, type ReplayDeps } from './replay-run.ts';
import { toView } from './replay-row.ts';

export interface ReplayRunnerOptions {
  /** This runner's name on the rows it holds (one per jobs process: host, pid, random). */
  runner: string;
  /** Replays run at once by this runner; more wait queued (for this or another runner). */
  concurrency?: number;
  /** How often a running replay's lease is renewed; well inside REPLAY_STALE_MS. */
  heartbeatMs?: number;
  onEvent?: (event: ReplayRunnerEvent) => void;
}

export type ReplayRunnerEvent =
  | { kind: 'claimed'; id: string; takeover: boolean }
  | { kind: 'finished'; replay: DlqReplay }
  | { kind: 'crashed'; id: string; error: string };

export interface ReplayRunner {
  /**
   * Claims what it has room for (queued replays, and running ones whose runner stopped) and
   * starts them; `done` settles when each ended (or was given back on stop).
   */
  sweep(): Promise<Array<{ replay: DlqReplay; done: Promise<DlqReplay> }>>;
  running(): number;
  /** Stops claiming, gives back what runs (queued again, for another runner), waits for that. */
  stop(): Promise<void>;
}

/**
 * The dead-letter replay loop of the jobs service (apps/jobs calls sweep on an interval). Every
 * jobs instance runs one; the lease on each replay's row (replay-claim.ts) gives each replay to
 * exactly one runner at a time, and a replay whose runner died to the next sweep after its
 * heartbeat went stale.
 */
export function createReplayRunner(deps: ReplayDeps, opts: ReplayRunnerOptions): ReplayRunner {
  const concurrency = opts.concurrency ?? 2;
  const heartbeatMs = opts.heartbeatMs ?? 5_000;
  const stopping = new AbortController();
  const active = new Set<Promise<DlqReplay>>();
  let sweeping = false;
  const emit = (e: ReplayRunnerEvent) => opts.onEvent?.(e);

  return {
    async sweep() {
      // NOTE: one sweep at a time, so two overlapping calls cannot both claim the same free slot.
      if (stopping.signal.aborted || sweeping) return [];
      sweeping = true;
      const claimed = await claimReplays(deps.db, opts.runner, concurrency - active.size).finally(() => {
        sweeping = false;
      });
      return claimed.map(({ row, takeover }) => {
        emit({ kind: 'claimed', id: row.id, takeover });
        const done = runClaimed(deps, row, opts.runner, { heartbeatMs, stop: stopping.signal });
        active.add(done);
        done.then(
          (replay) => emit({ kind: 'finished', replay }),
          // Postgres gone at the very end: the lease lapses and another sweep finishes the job.
          (err: unknown) => emit({ kind: 'crashed', id: row.id, error: String(err) }),
        );
        void done.catch(() => {}).finally(() => active.delete(done));
        return { replay: toView(row), done };
      });
    },
    running: () => active.size,
    async stop() {
      stopping.abort(new Error('the jobs runner is stopping'));
      await Promise.allSettled([...active]);
    },
  };
}
