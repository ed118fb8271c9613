import { selectRows, type QueryTarget } from '@tributary/clickhouse';
import { dlqSelectionSchema, type DlqReplay, type DlqReplayInput } from '@tributary/contracts';
import { writeAudit, type Db } from '@tributary/db';
import { z } from 'zod';
import { selectionSql } from './entries.ts';
import type { SqlPart } from './filter.ts';
import { scopeFor } from './queries.ts';
import { runReplay, type ReplayProgress, type ReplayTransport } from './replay.ts';
import { releaseReplay, renewReplayLease } from './replay-claim.ts';
import { REPLAY_STALE_MS, toView, type ReplayRow } from './replay-row.ts';
import { loadPiiPaths, loadRules } from './rules.ts';

/** What running a replay needs: the store, Postgres and a producer back into the pipeline. */
export interface ReplayDeps {
  target: QueryTarget;
  db: Db;
  transport: ReplayTransport;
}

export class LeaseLost extends Error {
  constructor(id: string) {
    super(`replay ${id}: its lease went to another runner`);
  }
}

/**
 * Runs a claimed replay to its end and records how it ended. Whether it starts fresh or
 * continues (a resume, a takeover, a replay given back by a stopping runner), it selects the
 * same entries, bounded by the replay's start, less those it already recorded as replayed, with
 * pii masked in a text search exactly when it was for the replay's starter.
 * `stop` (the runner is shutting down) gives the replay back as queued instead of failing it.
 */
export async function runClaimed(
  deps: ReplayDeps,
  row: ReplayRow,
  runner: string,
  opts: { heartbeatMs: number; stop: AbortSignal },
): Promise<DlqReplay> {
  const { db } = deps;
  const id = row.id;
  const lease = new AbortController();
  const onStop = () => lease.abort(opts.stop.reason);
  opts.stop.addEventListener('abort', onStop);
  let renewedAt = Date.now();
  // NOTE: renewed on a timer as well as per page: at a low rate one page takes many seconds.
  const timer = setInterval(() => {
    renewReplayLease(db, id, runner).then(
      (held) => {
        if (held) renewedAt = Date.now();
        else lease.abort(new LeaseLost(id));
      },
      () => {
        // Postgres unreachable: keep going only while the lease surely has not lapsed.
        if (Date.now() - renewedAt > (REPLAY_STALE_MS * 2) / 3) lease.abort(new LeaseLost(id));
      },
    );
  }, opts.heartbeatMs);

  const selection = dlqSelectionSchema.parse(row.selection);
  const input: DlqReplayInput = {
    selection,
    rate: row.rate,
    ...(row.schemaVersion !== null ? { schemaVersion: row.schemaVersion } : {}),
    ...(row.editedPayload !== null ? { editedPayload: row.editedPayload } : {}),
  };
  let base: ReplayProgress = { processed: row.processed, sent: row.sent, failedAgain: row.failedAgain };
  let last = base;
  let state: 'completed' | 'failed' = 'completed';
  let error: string | null = null;
  try {
    const scope = row.piiMasked ? scopeFor({ paths: await loadPiiPaths(db), reveal: false }) : {};
    const selected = await selectionSql(deps.target, selection, row.startedAt, scope);
    const sql: SqlPart = {
      where: `${selected.where} AND id NOT IN (SELECT id FROM {db:Identifier}.dead_letter_status WHERE replay_id = {resumeOf:String})`,
      params: { ...selected.params, resumeOf: id },
    };
    const rules = await loadRules(db);
    // NOTE: a runner that stopped between recording a page and counting it left the counters one
    // page short; the store knows what was recorded. Such a page counts as sent (the counters
    // keep sent = processed - failedAgain).
    const processed = Math.max(row.processed, await recordedBy(deps.target, id));
    base = { processed, sent: processed - row.failedAgain, failedAgain: row.failedAgain };
    last = base;
    const plus = (p: ReplayProgress): ReplayProgress => ({
      processed: base.processed + p.processed,
      sent: base.sent + p.sent,
      failedAgain: base.failedAgain + p.failedAgain,
    });
    last = plus(
      await runReplay(
        { target: deps.target, transport: deps.transport, rules },
        { id, actor: row.actor, input, sql },
        async (p) => {
          last = plus(p);
          if (!(await renewReplayLease(db, id, runner, last))) throw new LeaseLost(id);
          renewedAt = Date.now();
        },
        { signal: lease.signal },
      ),
    );
  } catch (err) {
    state = 'failed';
    error = err instanceof Error ? err.message : String(err);
  } finally {
    clearInterval(timer);
    opts.stop.removeEventListener('abort', onStop);
  }

  if (lease.signal.reason instanceof LeaseLost) {
    // Another runner holds it now and writes its end; this one must not.
    return toView(await db.dlqReplay.findUniqueOrThrow({ where: { id } }));
  }
  if (opts.stop.aborted) {
    await releaseReplay(db, id, runner, last);
    return toView(await db.dlqReplay.findUniqueOrThrow({ where: { id } }));
  }
  return db.$transaction(async (tx) => {
    const ended = await tx.dlqReplay.updateMany({
      where: { id, runner, state: 'running' },
      // The edit has done its work (and is in the audit log): not kept beside the replay.
      data: { ...last, state, error, finishedAt: new Date(), heartbeatAt: new Date(), editedPayload: null },
    });
    if (ended.count === 1) {
      await writeAudit(tx, {
        actor: row.actor,
        action: 'dlq.replay_finished',
        entity: 'dlq_replay',
        entityId: id,
        after: { state, error, total: row.total, ...last },
      });
    }
    return toView(await tx.dlqReplay.findUniqueOrThrow({ where: { id } }));
  });
}

/** How many entries a replay has recorded as replayed. */
async function recordedBy(target: QueryTarget, replayId: string): Promise<number> {
  const [row] = await selectRows(
    target,
    `SELECT uniqExact(id) AS n FROM {db:Identifier}.dead_letter_status WHERE replay_id = {replayId:String}`,
    { replayId },
    z.object({ n: z.coerce.number() }),
  );
  return row?.n ?? 0;
}
