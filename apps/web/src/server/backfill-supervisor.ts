import { resumeInterruptedBackfills, type BackfillDeps, type BackfillView } from '@tributary/processors';
import { env } from '../env.ts';
import { getDdlTarget } from './clickhouse.ts';
import { getDb } from './db.ts';
import type { Context } from './trpc.ts';

/** Who the audit log names for a backfill this server resumed on its own. */
export const BACKFILL_SUPERVISOR_ACTOR = 'console (backfill resumed after its server stopped)';

/**
 * What the backfill functions need: Postgres and the DDL ClickHouse target. The console's own
 * user may not insert into output tables, and a backfill writes them (and may create them).
 */
export function backfillDeps(ctx: Pick<Context, 'clickhouseDdl'>): BackfillDeps {
  return {
    db: getDb(),
    target: ctx.clickhouseDdl,
    ...(env.PII_HASH_SECRET ? { piiSecret: env.PII_HASH_SECRET } : {}),
  };
}

// Backfills run in this server process; their promises are held so nothing settles unobserved.
const running = new Set<Promise<BackfillView>>();

export function trackBackfill(done: Promise<BackfillView>): void {
  running.add(done);
  void done
    .catch((err: unknown) => {
      console.error('backfill failed:', err instanceof Error ? err.message : err);
    })
    .finally(() => running.delete(done));
}

const holder = globalThis as unknown as { tributaryBackfillSupervisor?: ReturnType<typeof setInterval> };

/**
 * Backfills run in the console's server; when one stops mid-way (its server died), this (in the
 * same or another console) resumes it from its recorded chunk once its heartbeat is stale. The
 * conditional claim gives each backfill to one console. REPLAY_SUPERVISOR_INTERVAL_MS sets the
 * sweep (0 turns it off).
 */
export function startBackfillSupervisor(): void {
  if (env.REPLAY_SUPERVISOR_INTERVAL_MS === 0 || holder.tributaryBackfillSupervisor) return;
  let busy = false;
  const sweep = async () => {
    if (busy) return;
    busy = true;
    try {
      const resumed = await resumeInterruptedBackfills(
        backfillDeps({ clickhouseDdl: getDdlTarget() }),
        BACKFILL_SUPERVISOR_ACTOR,
      );
      for (const { backfill, done } of resumed) {
        console.log(JSON.stringify({ level: 'info', msg: 'backfill resumed', backfill_id: backfill.id }));
        trackBackfill(done);
      }
    } catch (err) {
      // Postgres or ClickHouse unreachable: the next sweep tries again.
      console.error('backfill supervisor: sweep failed:', err instanceof Error ? err.message : err);
    } finally {
      busy = false;
    }
  };
  holder.tributaryBackfillSupervisor = setInterval(() => void sweep(), env.REPLAY_SUPERVISOR_INTERVAL_MS);
  // It must not keep a stopping server alive.
  holder.tributaryBackfillSupervisor.unref();
}
