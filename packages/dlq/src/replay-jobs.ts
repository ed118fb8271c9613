import { selectRows, type QueryTarget } from '@tributary/clickhouse';
import { z } from 'zod';
import {
  dlqSelectionSchema,
  TributaryError,
  type DlqReplay,
  type DlqReplayInput,
} from '@tributary/contracts';
import { writeAudit, type Db } from '@tributary/db';
import type { SchemaRules } from '@tributary/pipeline';
import { checkEdit } from './dry-run.ts';
import { assertStoredEditAllowed } from './edit-fields.ts';
import { countSelected, selectionSql } from './entries.ts';
import type { FilterScope, SqlPart } from './filter.ts';
import { scopeFor } from './queries.ts';
import { runReplay, type ReplayProgress, type ReplayTransport } from './replay.ts';
import { loadPiiPaths, loadRules } from './rules.ts';

export interface ReplayDeps {
  target: QueryTarget;
  db: Db;
  transport: ReplayTransport;
}

/** A running replay's heartbeat older than this means its process died. */
const STALE_MS = 30_000;

/**
 * Checks the request, records the replay (and who asked) and starts it in the background.
 * Everything that can be refused is refused here, before a single event moves: an id that no
 * longer exists, an edited payload that is not JSON or changes more than data, metadata,
 * timestamp and user_id, an empty selection.
 * `done` settles when the replay ended (tests and shutdown wait on it).
 */
export async function startReplay(
  deps: ReplayDeps,
  input: DlqReplayInput,
  actor: string,
  scope: FilterScope = {},
): Promise<{ replay: DlqReplay; done: Promise<DlqReplay> }> {
  checkEdit(input);
  const startedAt = new Date();
  const sql = await selectionSql(deps.target, input.selection, startedAt, scope);
  await assertStoredEditAllowed(deps.target, sql, input.editedPayload);
  const [total, rules] = await Promise.all([countSelected(deps.target, sql), loadRules(deps.db)]);
  if (total === 0) throw new TributaryError('bad_request', 'no dead-letter entries match the selection');

  const row = await deps.db.$transaction(async (tx) => {
    const created = await tx.dlqReplay.create({
      data: {
        actor,
        selection: input.selection,
        schemaVersion: input.schemaVersion ?? null,
        edited: input.editedPayload !== undefined,
        piiMasked: scope.maskedPaths !== undefined,
        rate: input.rate,
        state: 'running',
        total,
        startedAt,
        heartbeatAt: startedAt,
      },
    });
    await writeAudit(tx, {
      actor,
      action: 'dlq.replay',
      entity: 'dlq_replay',
      entityId: created.id,
      after: {
        selection: input.selection,
        total,
        rate: input.rate,
        schemaVersion: input.schemaVersion ?? null,
        ...(input.editedPayload !== undefined ? { editedPayload: input.editedPayload } : {}),
      },
    });
    return created;
  });

  const done = runJob(deps, { row, actor, input, sql, rules, total });
  return { replay: toView(row), done };
}

/**
 * Runs a recorded replay to its end and records how it ended. `base` is the progress of an
 * earlier run of the same replay (a resume), which this run adds to.
 */
async function runJob(
  deps: ReplayDeps,
  job: {
    row: ReplayRow;
    actor: string;
    input: DlqReplayInput;
    sql: SqlPart;
    rules: SchemaRules;
    total: number;
    base?: ReplayProgress;
  },
): Promise<DlqReplay> {
  const { row, actor, input, sql, rules, total } = job;
  const base = job.base ?? { processed: 0, sent: 0, failedAgain: 0 };
  const plus = (p: ReplayProgress): ReplayProgress => ({
    processed: base.processed + p.processed,
    sent: base.sent + p.sent,
    failedAgain: base.failedAgain + p.failedAgain,
  });
  let state: 'completed' | 'failed' = 'completed';
  let error: string | null = null;
  let last = base;
  try {
    last = plus(
      await runReplay(
        { target: deps.target, transport: deps.transport, rules },
        { id: row.id, actor, input, sql },
        async (p) => {
          last = plus(p);
          await deps.db.dlqReplay.update({
            where: { id: row.id },
            data: { ...last, heartbeatAt: new Date() },
          });
        },
      ),
    );
  } catch (err) {
    state = 'failed';
    error = err instanceof Error ? err.message : String(err);
  }
  const finished = await deps.db.$transaction(async (tx) => {
    const updated = await tx.dlqReplay.update({
      where: { id: row.id },
      data: { ...last, state, error, finishedAt: new Date(), heartbeatAt: new Date() },
    });
    await writeAudit(tx, {
      actor,
      action: 'dlq.replay_finished',
      entity: 'dlq_replay',
      entityId: row.id,
      after: { state, error, total, ...last },
    });
    return updated;
  });
  return toView(finished);
}

/**
 * Continues a replay that was interrupted (its server stopped) or failed (e.g. the broker was
 * unreachable), under the same id: the same selection, bounded by the replay's start, less the
 * entries it already recorded as replayed, with pii masked in a text search exactly when it was
 * for the replay's starter. Claimed with a conditional update, so of two presses (or two
 * consoles) one resumes and the other is refused. An edited-payload replay is one event whose
 * edit is not kept: it is replayed again from its entry instead.
 */
export async function resumeReplay(
  deps: ReplayDeps,
  id: string,
  actor: string,
): Promise<{ replay: DlqReplay; done: Promise<DlqReplay> }> {
  const existing = await deps.db.dlqReplay.findUnique({ where: { id } });
  if (!existing) throw new TributaryError('not_found', `replay ${id} does not exist`);
  if (existing.edited) {
    throw new TributaryError(
      'bad_request',
      'a replay of an edited event cannot be resumed (the edit is not kept); open the entry and replay it again',
    );
  }
  const selection = dlqSelectionSchema.parse(existing.selection);
  const input: DlqReplayInput = {
    selection,
    rate: existing.rate,
    ...(existing.schemaVersion !== null ? { schemaVersion: existing.schemaVersion } : {}),
  };
  const now = new Date();
  const claimed = await deps.db.dlqReplay.updateMany({
    where: {
      id,
      OR: [
        { state: 'failed' },
        { state: 'running', heartbeatAt: { lt: new Date(now.getTime() - STALE_MS) } },
      ],
    },
    data: { state: 'running', heartbeatAt: now, error: null, finishedAt: null },
  });
  if (claimed.count === 0) {
    const view = toView(existing);
    throw new TributaryError(
      'conflict',
      `replay ${id} is ${view.state === 'running' ? 'still running' : view.state}; only an interrupted or failed replay can be resumed`,
    );
  }
  try {
    const scope = existing.piiMasked ? scopeFor({ paths: await loadPiiPaths(deps.db), reveal: false }) : {};
    const selected = await selectionSql(deps.target, selection, existing.startedAt, scope);
    const sql: SqlPart = {
      where: `${selected.where} AND id NOT IN (SELECT id FROM {db:Identifier}.dead_letter_status WHERE replay_id = {resumeOf:String})`,
      params: { ...selected.params, resumeOf: id },
    };
    const [rules, row] = await Promise.all([
      loadRules(deps.db),
      deps.db.$transaction(async (tx) => {
        await writeAudit(tx, {
          actor,
          action: 'dlq.replay_resumed',
          entity: 'dlq_replay',
          entityId: id,
          after: { processed: existing.processed, total: existing.total },
        });
        return tx.dlqReplay.findUniqueOrThrow({ where: { id } });
      }),
    ]);
    // NOTE: a server that stopped between recording a page and counting it left the counters one
    // page short; the store knows what was recorded. Such a page counts as sent (the counters
    // keep sent = processed - failedAgain).
    const processed = Math.max(existing.processed, await recordedBy(deps.target, id));
    const base = { processed, sent: processed - existing.failedAgain, failedAgain: existing.failedAgain };
    const done = runJob(deps, { row, actor, input, sql, rules, total: existing.total, base });
    return { replay: toView(row), done };
  } catch (err) {
    // Nothing moved: give the replay back as it was, so it can be resumed again.
    await deps.db.dlqReplay.update({
      where: { id },
      data: { state: existing.state, heartbeatAt: existing.heartbeatAt, error: existing.error },
    });
    throw err;
  }
}

/**
 * Resumes every replay whose server stopped while it ran (heartbeat stale), so a console
 * restart does not leave a replay half done until somebody presses Resume. Another console
 * may claim one first; that one is left to it. Replays of an edited event are not resumable.
 */
export async function resumeInterrupted(
  deps: ReplayDeps,
  actor: string,
  now = Date.now(),
): Promise<Array<{ replay: DlqReplay; done: Promise<DlqReplay> }>> {
  const stale = await deps.db.dlqReplay.findMany({
    where: { state: 'running', edited: false, heartbeatAt: { lt: new Date(now - STALE_MS) } },
    orderBy: { startedAt: 'asc' },
    select: { id: true },
  });
  const resumed: Array<{ replay: DlqReplay; done: Promise<DlqReplay> }> = [];
  for (const { id } of stale) {
    try {
      resumed.push(await resumeReplay(deps, id, actor));
    } catch (err) {
      if (!(err instanceof TributaryError && err.code === 'conflict')) throw err;
    }
  }
  return resumed;
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

type ReplayRow = NonNullable<Awaited<ReturnType<Db['dlqReplay']['findUnique']>>>;

function toView(r: ReplayRow, now = Date.now()): DlqReplay {
  const stale = r.state === 'running' && now - r.heartbeatAt.getTime() > STALE_MS;
  return {
    id: r.id,
    state: stale ? 'interrupted' : (r.state as DlqReplay['state']),
    actor: r.actor,
    total: r.total,
    processed: r.processed,
    sent: r.sent,
    failedAgain: r.failedAgain,
    rate: r.rate,
    error: stale
      ? 'the replay stopped reporting progress (its server stopped); a console resumes it on its own, or press Resume'
      : r.error,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    resumable: !r.edited && (stale || r.state === 'failed'),
  };
}

export async function getReplay(db: Db, id: string): Promise<DlqReplay> {
  const row = await db.dlqReplay.findUnique({ where: { id } });
  if (!row) throw new TributaryError('not_found', `replay ${id} does not exist`);
  return toView(row);
}

export async function listReplays(db: Db, limit = 20): Promise<DlqReplay[]> {
  const rows = await db.dlqReplay.findMany({ orderBy: { startedAt: 'desc' }, take: limit });
  return rows.map((r) => toView(r));
}
