import { TributaryError, type DlqReplay, type DlqReplayInput } from '@tributary/contracts';
import { writeAudit, type Db } from '@tributary/db';
import type { QueryTarget } from '@tributary/clickhouse';
import { checkEdit } from './dry-run.ts';
import { assertStoredEditAllowed } from './edit-fields.ts';
import { countSelected, selectionSql } from './entries.ts';
import type { FilterScope } from './filter.ts';
import { resumableWhere, toView } from './replay-row.ts';

/** What asking for a replay needs: the store to check the selection, Postgres to record it. */
export interface ReplayQueueDeps {
  target: QueryTarget;
  db: Db;
}

/**
 * Checks the request and records the replay (and who asked) as queued; the jobs service
 * (createReplayRunner) claims and runs it. Everything that can be refused is refused here,
 * before a single event moves: an id that no longer exists, an edited payload that is not JSON
 * or changes more than data, metadata, timestamp and user_id, an empty selection.
 */
export async function queueReplay(
  deps: ReplayQueueDeps,
  input: DlqReplayInput,
  actor: string,
  scope: FilterScope = {},
): Promise<DlqReplay> {
  checkEdit(input);
  // NOTE: the selection is bounded by this instant, whenever the jobs service runs it: entries
  // that fail later are not part of this replay (the count below is its total).
  const startedAt = new Date();
  const sql = await selectionSql(deps.target, input.selection, startedAt, scope);
  await assertStoredEditAllowed(deps.target, sql, input.editedPayload);
  const total = await countSelected(deps.target, sql);
  if (total === 0) throw new TributaryError('bad_request', 'no dead-letter entries match the selection');

  const row = await deps.db.$transaction(async (tx) => {
    const created = await tx.dlqReplay.create({
      data: {
        actor,
        selection: input.selection,
        schemaVersion: input.schemaVersion ?? null,
        edited: input.editedPayload !== undefined,
        editedPayload: input.editedPayload ?? null,
        piiMasked: scope.maskedPaths !== undefined,
        rate: input.rate,
        state: 'queued',
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
  return toView(row);
}

/**
 * Queues again a replay that was interrupted (its runner stopped) or failed (e.g. the broker was
 * unreachable), under the same id; the jobs service continues it: the same selection, bounded by
 * the replay's start, less the entries it already recorded as replayed. Claimed with a
 * conditional update, so of two presses (or two consoles) one resumes and the other is refused.
 * An edited-payload replay is not resumable: it is replayed again from its entry instead.
 */
export async function queueResume(db: Db, id: string, actor: string): Promise<DlqReplay> {
  const existing = await db.dlqReplay.findUnique({ where: { id } });
  if (!existing) throw new TributaryError('not_found', `replay ${id} does not exist`);
  if (existing.edited) {
    throw new TributaryError(
      'bad_request',
      'a replay of an edited event cannot be resumed; open the entry and replay it again',
    );
  }
  const now = new Date();
  const row = await db.$transaction(async (tx) => {
    const claimed = await tx.dlqReplay.updateMany({
      where: { id, ...resumableWhere(now) },
      data: { state: 'queued', runner: null, heartbeatAt: now, error: null, finishedAt: null },
    });
    if (claimed.count === 0) return null;
    await writeAudit(tx, {
      actor,
      action: 'dlq.replay_resumed',
      entity: 'dlq_replay',
      entityId: id,
      after: { processed: existing.processed, total: existing.total },
    });
    return tx.dlqReplay.findUniqueOrThrow({ where: { id } });
  });
  if (!row) {
    const view = toView(existing, now.getTime());
    throw new TributaryError(
      'conflict',
      existing.state === 'queued'
        ? `replay ${id} is already queued; the jobs service runs it`
        : `replay ${id} is ${view.state === 'running' ? 'still running' : view.state}; only an interrupted or failed replay can be resumed`,
    );
  }
  return toView(row);
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
