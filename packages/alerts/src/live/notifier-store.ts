import type { Db, DbTx } from '@tributary/db';
import { z } from 'zod';
import type { NotificationRecord, SchedulerState } from '../scheduler.ts';
import { toJson } from '../store/errors.ts';

/**
 * The notifier's durable half. Its grouping state (one row) and the notifications it decided on
 * are written in the transaction that stores the evaluation behind them, so a leader that dies
 * at any point leaves either both or neither: a new leader neither forgets a group nor decides a
 * notification twice. Decided notifications wait in alert_history as 'queued' rows (the outbox);
 * delivery claims them, sends, and records the outcome on the same row.
 */

const STATE_ID = 'default';

const stateSchema = z.object({ groups: z.record(z.string(), z.any()) });

export async function loadNotifierState(db: Db): Promise<SchedulerState> {
  const row = await db.alertNotifierState.findUnique({ where: { id: STATE_ID } });
  const parsed = stateSchema.safeParse(row?.state);
  return parsed.success ? (parsed.data as SchedulerState) : { groups: {} };
}

export async function writeNotifierState(tx: DbTx, state: SchedulerState): Promise<void> {
  const json = toJson(state);
  await tx.alertNotifierState.upsert({
    where: { id: STATE_ID },
    create: { id: STATE_ID, state: json },
    update: { state: json },
  });
}

/** The rules a record's alerts come from (a group can hold several rules' alerts). */
export function recordRules(record: NotificationRecord): string[] {
  const names = new Set<string>();
  for (const a of [...record.firing, ...record.resolved])
    if (a.labels.alertname) names.add(a.labels.alertname);
  return [...names].sort();
}

/**
 * One history row per record: `send` records are queued for delivery; silenced and muted ones are
 * final as written. A record about one rule carries that rule's name (per-rule history finds it;
 * a multi-rule group lists its rules in detail.rules, which per-rule history also reads).
 */
export async function writeNotificationRecords(
  tx: DbTx,
  records: readonly NotificationRecord[],
  ruleIds: ReadonlyMap<string, string>,
): Promise<void> {
  if (records.length === 0) return;
  await tx.alertHistory.createMany({
    data: records.map((r) => {
      const rules = recordRules(r);
      const single = rules.length === 1 ? rules[0]! : null;
      return {
        kind: 'notification',
        ruleName: single,
        ruleId: single ? (ruleIds.get(single) ?? null) : null,
        groupKey: r.groupId,
        receiver: r.receiver,
        outcome: r.outcome === 'send' ? 'queued' : r.outcome,
        silenced: r.outcome === 'silenced',
        at: new Date(r.at),
        detail: toJson({ record: r, rules, by: r.by, reason: r.reason }),
      };
    }),
  });
}

export interface QueuedNotification {
  id: string;
  record: NotificationRecord;
  detail: Record<string, unknown>;
  /** Taken over from an instance whose claim lapsed (it may have sent it already). */
  retaken: boolean;
}

/**
 * Claims up to `limit` queued notifications, oldest first, for this instance. A claim older than
 * `staleMs` (its deliverer died mid-send) is taken over. SKIP LOCKED: two deliverers (a leader
 * change in progress) never claim the same row.
 */
export async function claimQueuedNotifications(
  db: Db,
  opts: { instance: string; limit: number; staleMs: number; now?: Date },
): Promise<QueuedNotification[]> {
  const now = opts.now ?? new Date();
  const staleBefore = new Date(now.getTime() - opts.staleMs);
  const rows = await db.$queryRaw<Array<{ id: string; detail: unknown; claimed_by: string | null }>>`
    UPDATE alert_history h SET claimed_by = ${opts.instance}, claimed_at = ${now}
    FROM (
      SELECT id, claimed_by AS previous FROM alert_history
      WHERE kind = 'notification' AND outcome = 'queued'
        AND (claimed_at IS NULL OR claimed_at < ${staleBefore})
      ORDER BY at, id
      LIMIT ${opts.limit}
      FOR UPDATE SKIP LOCKED
    ) q
    WHERE h.id = q.id
    RETURNING h.id, h.detail, q.previous AS claimed_by`;
  return rows.flatMap((r) => {
    const detail = (r.detail ?? {}) as Record<string, unknown>;
    const record = detail.record as NotificationRecord | undefined;
    return record ? [{ id: r.id, record, detail, retaken: r.claimed_by !== null }] : [];
  });
}

/** Records a delivery's outcome on its row (only while this instance still holds the claim). */
export async function finishNotification(
  db: Db,
  q: QueuedNotification,
  outcome: { outcome: string; silenced?: boolean; detail: Record<string, unknown> },
  instance: string,
): Promise<boolean> {
  const res = await db.alertHistory.updateMany({
    where: { id: q.id, outcome: 'queued', claimedBy: instance },
    data: {
      outcome: outcome.outcome,
      silenced: outcome.silenced ?? false,
      detail: toJson({ ...q.detail, ...outcome.detail }),
    },
  });
  return res.count === 1;
}

/** Gives back claimed rows this instance did not get to (it is stopping or lost its lease). */
export async function releaseNotifications(db: Db, ids: readonly string[], instance: string): Promise<void> {
  if (ids.length === 0) return;
  await db.alertHistory.updateMany({
    where: { id: { in: [...ids] }, outcome: 'queued', claimedBy: instance },
    data: { claimedBy: null, claimedAt: null },
  });
}
