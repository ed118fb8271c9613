import { insertRows, toDateTime64, type QueryTarget } from '@tributary/clickhouse';
import type { DeadLetterStatus } from '@tributary/contracts';
import type { SqlPart } from './filter.ts';

export interface StatusChange {
  id: string;
  attempts: number;
}

/** Records a status change for the given entries (the entries themselves are never rewritten). */
export async function recordStatus(
  target: QueryTarget,
  entries: StatusChange[],
  change: {
    status: Exclude<DeadLetterStatus, 'pending'>;
    actor: string;
    reason: string;
    replayId?: string;
    at?: Date;
  },
): Promise<void> {
  const changed_at = toDateTime64(change.at ?? new Date());
  await insertRows(
    target.client,
    `${target.database}.dead_letter_status`,
    entries.map((e) => ({
      id: e.id,
      status: change.status,
      changed_at,
      actor: change.actor,
      reason: change.reason,
      replay_id: change.replayId ?? '',
      attempts: e.attempts,
    })),
  );
}

/**
 * Records the same change for every entry a selection stands for, inside ClickHouse (one
 * INSERT … SELECT, however many entries).
 */
export async function recordStatusFor(
  target: QueryTarget,
  sql: SqlPart,
  change: { status: Exclude<DeadLetterStatus, 'pending'>; actor: string; reason: string; at?: Date },
): Promise<void> {
  await target.client.command({
    query: `INSERT INTO {db:Identifier}.dead_letter_status (id, status, changed_at, actor, reason, replay_id, attempts)
      SELECT id, {status:String}, {at:DateTime64(3)}, {actor:String}, {reason:String}, '', any(attempts)
      FROM {db:Identifier}.dead_letters WHERE ${sql.where} GROUP BY id`,
    query_params: {
      ...sql.params,
      db: target.database,
      status: change.status,
      at: toDateTime64(change.at ?? new Date()),
      actor: change.actor,
      reason: change.reason,
    },
  });
}
