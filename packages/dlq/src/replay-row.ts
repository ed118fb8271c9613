import type { DlqReplay } from '@tributary/contracts';
import type { Db } from '@tributary/db';

export type ReplayRow = NonNullable<Awaited<ReturnType<Db['dlqReplay']['findUnique']>>>;

/**
 * A running replay's heartbeat older than this means its runner died: its lease is over and any
 * jobs instance may take it over. Runners renew well inside it (createReplayRunner).
 */
export const REPLAY_STALE_MS = 30_000;

const staleBefore = (now: Date) => new Date(now.getTime() - REPLAY_STALE_MS);

/** Rows a person may queue again: failed, or running with a stale heartbeat. */
export function resumableWhere(now: Date) {
  return {
    OR: [{ state: 'failed' }, { state: 'running', heartbeatAt: { lt: staleBefore(now) } }],
  };
}

/**
 * Rows a runner may claim: queued (new, resumed by a person, or given back by a runner that
 * stopped), or running under a lease that lapsed. An edited event is not taken over: its edit is
 * replayed once, from the entry, by a person who sees it again.
 */
export function claimableWhere(now: Date) {
  return {
    OR: [{ state: 'queued' }, { state: 'running', edited: false, heartbeatAt: { lt: staleBefore(now) } }],
  };
}

/**
 * The console's view. NOTE: a queued replay reads as `running` with nothing processed yet, so
 * the console's contract (and its progress polling) stays as it was when the console ran
 * replays itself; one nobody claimed for a while says so in `error`.
 */
export function toView(r: ReplayRow, now = Date.now()): DlqReplay {
  const late = now - r.heartbeatAt.getTime() > REPLAY_STALE_MS;
  const stale = r.state === 'running' && late;
  const waiting = r.state === 'queued' && late;
  return {
    id: r.id,
    state: stale ? 'interrupted' : r.state === 'queued' ? 'running' : (r.state as DlqReplay['state']),
    actor: r.actor,
    total: r.total,
    processed: r.processed,
    sent: r.sent,
    failedAgain: r.failedAgain,
    rate: r.rate,
    error: stale
      ? 'the replay stopped reporting progress (its runner stopped); the jobs service resumes it on its own, or press Resume'
      : waiting
        ? 'waiting for the jobs service to pick this replay up (is apps/jobs running?)'
        : r.error,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    resumable: !r.edited && (stale || r.state === 'failed'),
  };
}
