import type { Logger } from '@tributary/telemetry';
import type { JobDefinition } from './job.ts';
import { createLeaderLease, type LeaderLease } from './lease.ts';
import type { LeaseStore } from './lease-store.ts';
import type { JobsMetrics } from './metrics.ts';

export interface JobStatus {
  name: string;
  lease: JobDefinition['lease'];
  leader: boolean | null;
  lastTickAt: string | null;
  lastError: string | null;
  stalled: boolean;
}

export interface Scheduler {
  /** Liveness: every job's loop has ticked recently (a hung run is a stalled loop). */
  health(): { ok: boolean; jobs: JobStatus[] };
  /** Ends every loop (aborting runs), lets each job give back its work, releases the leases. */
  stop(): Promise<void>;
}

/** A loop that has not come round in this many intervals (and at least a minute) is stalled. */
const STALL_INTERVALS = 5;
const STALL_MIN_MS = 60_000;

/** Starts every job's loop: run, wait its interval, again — a leader job only while it holds its lease. */
export function startScheduler(opts: {
  jobs: JobDefinition[];
  store: LeaseStore;
  /** Redis key prefix (REDIS_PREFIX); leases are `<prefix>jobs:lease:<job>`. */
  prefix: string;
  instance: string;
  leaseTtlMs: number;
  logger: Logger;
  metrics: JobsMetrics;
}): Scheduler {
  const stopping = new AbortController();
  const state = new Map<
    string,
    { lastTickAt: number | null; lastError: string | null; lease: LeaderLease | null }
  >();

  const loops = opts.jobs.map(async (job) => {
    const log = opts.logger.child({ job: job.name });
    const lease =
      job.lease === 'leader'
        ? createLeaderLease({
            store: opts.store,
            key: `${opts.prefix}jobs:lease:${job.name}`,
            token: opts.instance,
            ttlMs: opts.leaseTtlMs,
          })
        : null;
    const s = { lastTickAt: null as number | null, lastError: null as string | null, lease };
    state.set(job.name, s);
    // NOTE: a leader keeps its lease alive on its own timer too, so a run longer than the ttl
    // does not lose it.
    const keepAlive = lease ? setInterval(() => void tickLease(), opts.leaseTtlMs / 3) : null;
    async function tickLease(): Promise<boolean> {
      const was = lease!.held();
      const held = await lease!.tick();
      if (held !== was) log.info({ instance: opts.instance }, held ? 'lease taken' : 'lease lost');
      opts.metrics.leaseHeld.set({ job: job.name }, held ? 1 : 0);
      return held;
    }

    while (!stopping.signal.aborted) {
      s.lastTickAt = Date.now();
      if (lease && !lease.held() && !(await tickLease())) {
        opts.metrics.runs.inc({ job: job.name, outcome: 'skipped' });
      } else {
        const signal = lease ? AbortSignal.any([stopping.signal, lease.signal()]) : stopping.signal;
        const end = opts.metrics.runSeconds.startTimer({ job: job.name });
        try {
          await job.run({ signal, log });
          s.lastError = null;
          opts.metrics.runs.inc({ job: job.name, outcome: 'ok' });
          opts.metrics.lastSuccess.set({ job: job.name }, Date.now() / 1000);
        } catch (err) {
          s.lastError = err instanceof Error ? err.message : String(err);
          opts.metrics.runs.inc({ job: job.name, outcome: 'error' });
          // A dependency down or a bad run: the next interval tries again.
          log.warn({ err: s.lastError }, 'job run failed');
        } finally {
          end();
        }
      }
      s.lastTickAt = Date.now();
      await pause(job.intervalMs, stopping.signal);
    }
    if (keepAlive) clearInterval(keepAlive);
    await job.stop?.().catch((err: unknown) => log.error({ err: String(err) }, 'job stop failed'));
    if (lease) {
      await lease.release();
      opts.metrics.leaseHeld.set({ job: job.name }, 0);
    }
  });

  return {
    health() {
      const now = Date.now();
      const jobs = opts.jobs.map((job): JobStatus => {
        const s = state.get(job.name);
        const last = s?.lastTickAt ?? null;
        const stalled =
          last !== null && now - last > Math.max(STALL_MIN_MS, STALL_INTERVALS * job.intervalMs);
        return {
          name: job.name,
          lease: job.lease,
          leader: s?.lease ? s.lease.held() : null,
          lastTickAt: last === null ? null : new Date(last).toISOString(),
          lastError: s?.lastError ?? null,
          stalled,
        };
      });
      return { ok: jobs.every((j) => !j.stalled), jobs };
    },
    async stop() {
      stopping.abort(new Error('the jobs service is stopping'));
      await Promise.all(loops);
    },
  };
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
