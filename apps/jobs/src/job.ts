import type { Logger } from '@tributary/telemetry';

/**
 * One named piece of background work, run on an interval. Later work (alert evaluation,
 * notifications) plugs in as another JobDefinition in main's list.
 */
export interface JobDefinition {
  name: string;
  intervalMs: number;
  /**
   * leader: one instance at a time runs it, the holder of a lease in Redis kept across runs
   * (a job whose every run must happen once: evaluate, notify). shared: every instance runs it;
   * the job leases its own work items (dead-letter replays lease each replay's row), so
   * instances share the load.
   */
  lease: 'leader' | 'shared';
  /** One run. `signal` aborts when the instance stops or (leader) the lease was lost: stop acting. */
  run(ctx: { signal: AbortSignal; log: Logger }): Promise<void>;
  /** Called once on shutdown, after the last run ended (e.g. give work items back). */
  stop?(): Promise<void>;
}
