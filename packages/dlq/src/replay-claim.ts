import { writeAudit, type Db } from '@tributary/db';
import { claimableWhere, type ReplayRow } from './replay-row.ts';

/** Who the audit log names for a replay a jobs instance took over from one that stopped. */
export const TAKEOVER_ACTOR = 'jobs (resumed after its runner stopped)';

/**
 * The replay lease lives on the replay's own row: `runner` names the holder and `heartbeatAt`
 * says it is alive. A claim is a compare-and-set on the row as it was read (state, runner,
 * heartbeat), so of two instances reading the same row exactly one update matches; every later
 * write of the holder (heartbeat, progress, the end) also requires `runner` to still be its own,
 * which fences out a holder whose lease lapsed and was taken over.
 */
export async function claimReplays(
  db: Db,
  runner: string,
  max: number,
  now = new Date(),
): Promise<Array<{ row: ReplayRow; takeover: boolean }>> {
  if (max <= 0) return [];
  const candidates = await db.dlqReplay.findMany({
    where: claimableWhere(now),
    orderBy: { startedAt: 'asc' },
    // Some candidates may go to another instance first; read a few more than we can take.
    take: max * 4,
  });
  const claimed: Array<{ row: ReplayRow; takeover: boolean }> = [];
  for (const c of candidates) {
    if (claimed.length >= max) break;
    const takeover = c.state === 'running';
    const won = await db.$transaction(async (tx) => {
      const r = await tx.dlqReplay.updateMany({
        where: { id: c.id, state: c.state, runner: c.runner, heartbeatAt: c.heartbeatAt },
        data: { state: 'running', runner, heartbeatAt: now, error: null, finishedAt: null },
      });
      if (r.count === 0) return false;
      if (takeover) {
        await writeAudit(tx, {
          actor: TAKEOVER_ACTOR,
          action: 'dlq.replay_resumed',
          entity: 'dlq_replay',
          entityId: c.id,
          after: { processed: c.processed, total: c.total, runner, previousRunner: c.runner },
        });
      }
      return true;
    });
    if (won) claimed.push({ row: { ...c, state: 'running', runner, heartbeatAt: now }, takeover });
  }
  return claimed;
}

/** Refreshes the lease; false when it is no longer this runner's (taken over, or finished). */
export async function renewReplayLease(
  db: Db,
  id: string,
  runner: string,
  data: object = {},
): Promise<boolean> {
  const r = await db.dlqReplay.updateMany({
    where: { id, runner, state: 'running' },
    data: { ...data, heartbeatAt: new Date() },
  });
  return r.count === 1;
}

/** Gives a replay back (its runner is stopping): queued again, any instance continues it at once. */
export async function releaseReplay(db: Db, id: string, runner: string, data: object = {}): Promise<boolean> {
  const r = await db.dlqReplay.updateMany({
    where: { id, runner, state: 'running' },
    data: { ...data, state: 'queued', runner: null, heartbeatAt: new Date() },
  });
  return r.count === 1;
}
