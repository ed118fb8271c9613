import { resumeInterrupted } from '@tributary/dlq';
import { env } from '../env.ts';
import { getClickHouse } from './clickhouse.ts';
import { replayDeps, track } from './dlq.ts';

/** Who the audit log names for a replay this server resumed on its own. */
export const SUPERVISOR_ACTOR = 'console (resumed after its server stopped)';

const holder = globalThis as unknown as { tributaryReplaySupervisor?: ReturnType<typeof setInterval> };

/**
 * Replays run in the console's server; when one stops mid-replay, this (in the same or another
 * console) resumes it once its heartbeat is stale, so nobody has to press Resume. Every console
 * runs one; the conditional claim in resumeReplay gives each replay to exactly one of them.
 */
export function startReplaySupervisor(): void {
  if (env.REPLAY_SUPERVISOR_INTERVAL_MS === 0 || holder.tributaryReplaySupervisor) return;
  let busy = false;
  const sweep = async () => {
    if (busy) return;
    busy = true;
    try {
      const deps = replayDeps({ client: getClickHouse(), database: env.CLICKHOUSE_DATABASE });
      for (const { replay, done } of await resumeInterrupted(deps, SUPERVISOR_ACTOR)) {
        console.log(JSON.stringify({ level: 'info', msg: 'replay resumed', replay_id: replay.id }));
        track(done);
      }
    } catch (err) {
      // Postgres or ClickHouse unreachable: the next sweep tries again.
      console.error('replay supervisor: sweep failed:', err instanceof Error ? err.message : err);
    } finally {
      busy = false;
    }
  };
  holder.tributaryReplaySupervisor = setInterval(() => void sweep(), env.REPLAY_SUPERVISOR_INTERVAL_MS);
  // It must not keep a stopping server alive.
  holder.tributaryReplaySupervisor.unref();
}
