import { TributaryError } from '@tributary/contracts';
import { writeAudit, type Db } from '@tributary/db';
import { notFound, TX_OPTIONS } from './errors.ts';

/**
 * Acknowledging an active alert instance: someone on call says "I have this one". It changes
 * nothing about notifications; it is shown on the Alerts page so two people do not chase the same
 * page. The jobs service clears it when the instance resolves, so the next incident starts
 * unacknowledged.
 */

export interface AlertAcknowledgement {
  rule: string;
  groupKey: string;
  acknowledgedBy: string;
  acknowledgedAt: string;
}

/**
 * Marks the instance of `rule` with `groupKey` as taken by `opts.actor`. Refused when there is
 * no such active instance, and (a conflict naming who) when someone else took it first; the same
 * person acknowledging again gets the acknowledgement back unchanged (a double click).
 */
export async function acknowledgeAlertInstance(
  db: Db,
  target: { rule: string; groupKey: string },
  opts: { actor: string; at?: Date },
): Promise<AlertAcknowledgement> {
  const at = opts.at ?? new Date();
  const what = `${target.rule} ${target.groupKey}`;
  return db.$transaction(async (tx) => {
    const row = await tx.alertInstance.findFirst({
      where: { rule: { name: target.rule }, groupKey: target.groupKey, state: { not: 'normal' } },
      select: { id: true, state: true },
    });
    if (!row) throw notFound('active alert', what);
    // The guard is in the WHERE: two people acknowledging at once leave one name and one audit row.
    const updated = await tx.alertInstance.updateMany({
      where: { id: row.id, acknowledgedAt: null, state: { not: 'normal' } },
      data: { acknowledgedBy: opts.actor, acknowledgedAt: at },
    });
    if (updated.count === 0) {
      const now = await tx.alertInstance.findUnique({
        where: { id: row.id },
        select: { acknowledgedBy: true, acknowledgedAt: true },
      });
      if (!now || now.acknowledgedAt === null || now.acknowledgedBy === null)
        throw notFound('active alert', what);
      if (now.acknowledgedBy === opts.actor) {
        return {
          ...target,
          acknowledgedBy: now.acknowledgedBy,
          acknowledgedAt: now.acknowledgedAt.toISOString(),
        };
      }
      throw new TributaryError(
        'conflict',
        `alert ${what} was already acknowledged by ${now.acknowledgedBy} at ${now.acknowledgedAt.toISOString()}`,
        { acknowledgedBy: now.acknowledgedBy },
      );
    }
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'alert_instance.acknowledge',
      entity: 'alert_instance',
      entityId: row.id,
      before: { acknowledgedBy: null },
      after: {
        rule: target.rule,
        groupKey: target.groupKey,
        state: row.state,
        acknowledgedAt: at.toISOString(),
      },
    });
    return { ...target, acknowledgedBy: opts.actor, acknowledgedAt: at.toISOString() };
  }, TX_OPTIONS);
}
