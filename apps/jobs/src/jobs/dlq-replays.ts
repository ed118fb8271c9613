import { createReplayRunner, type ReplayDeps } from '@tributary/dlq';
import type { Logger } from '@tributary/telemetry';
import type { JobDefinition } from '../job.ts';
import type { JobsMetrics } from '../metrics.ts';

/**
 * Dead-letter replays the console queued (and ones whose runner died): every instance sweeps;
 * each replay is leased on its own Postgres row (@tributary/dlq replay-claim.ts), so two
 * instances never run the same replay and a stopped instance's replay goes to another.
 */
export function dlqReplaysJob(
  deps: ReplayDeps,
  opts: {
    instance: string;
    intervalMs: number;
    concurrency: number;
    heartbeatMs: number;
    logger: Logger;
    metrics: JobsMetrics;
  },
): JobDefinition {
  const log = opts.logger.child({ job: 'dlq-replays' });
  const runner = createReplayRunner(deps, {
    runner: opts.instance,
    concurrency: opts.concurrency,
    heartbeatMs: opts.heartbeatMs,
    onEvent: (e) => {
      if (e.kind === 'claimed') {
        opts.metrics.replaysClaimed.inc({ takeover: String(e.takeover) });
        log.info({ replay_id: e.id, takeover: e.takeover }, 'replay claimed');
      } else if (e.kind === 'finished') {
        opts.metrics.replaysFinished.inc({ state: e.replay.state });
        log.info(
          {
            replay_id: e.replay.id,
            state: e.replay.state,
            processed: e.replay.processed,
            error: e.replay.error,
          },
          'replay run ended',
        );
      } else {
        log.error(
          { replay_id: e.id, err: e.error },
          'replay run crashed; its lease lapses and another sweep continues it',
        );
      }
      opts.metrics.replaysRunning.set(runner.running());
    },
  });
  return {
    name: 'dlq-replays',
    intervalMs: opts.intervalMs,
    lease: 'shared',
    // NOTE: a sweep only claims and starts replays; they run on between sweeps, so a long replay
    // does not hold up claiming the next (up to the concurrency).
    run: async () => {
      await runner.sweep();
      opts.metrics.replaysRunning.set(runner.running());
    },
    stop: () => runner.stop(),
  };
}
