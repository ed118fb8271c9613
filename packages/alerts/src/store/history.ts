import { alertStates } from '@tributary/contracts';
import type { Db } from '@tributary/db';
import { z } from 'zod';

/**
 * Alert history: every state change of an instance and every notification attempt with its
 * outcome, kept ALERT_HISTORY_RETENTION_DAYS (a job calls deleteExpiredAlertHistory).
 */

export const ALERT_HISTORY_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

const state = z.enum(alertStates);

export const alertHistoryEntrySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('state_change'),
    ruleId: z.string().nullable(),
    ruleName: z.string().nullable(),
    groupKey: z.string().default(''),
    from: state,
    to: state,
    at: z.date(),
    detail: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({
    kind: z.literal('notification'),
    ruleId: z.string().nullable(),
    ruleName: z.string().nullable(),
    groupKey: z.string().default(''),
    receiver: z.string(),
    /** What the sender reported: sent, failed (with the reason in detail), muted. */
    outcome: z.string().min(1).max(100),
    silenced: z.boolean().default(false),
    at: z.date(),
    detail: z.record(z.string(), z.unknown()).optional(),
  }),
]);
export type AlertHistoryEntry = z.input<typeof alertHistoryEntrySchema>;

export async function recordAlertHistory(db: Db, entries: readonly AlertHistoryEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const rows = entries.map((input) => {
    const e = alertHistoryEntrySchema.parse(input);
    const common = {
      ruleId: e.ruleId,
      ruleName: e.ruleName,
      groupKey: e.groupKey,
      kind: e.kind,
      at: e.at,
      ...(e.detail === undefined ? {} : { detail: e.detail as object }),
    };
    return e.kind === 'state_change'
      ? { ...common, fromState: e.from, toState: e.to }
      : { ...common, receiver: e.receiver, outcome: e.outcome, silenced: e.silenced };
  });
  return (await db.alertHistory.createMany({ data: rows })).count;
}

/** Rows strictly older than this are past retention. */
export function alertHistoryCutoff(now: Date, retentionDays = ALERT_HISTORY_RETENTION_DAYS): Date {
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

/** Deletes history older than the retention period; the number of rows deleted. */
export async function deleteExpiredAlertHistory(
  db: Db,
  opts: { now?: Date; retentionDays?: number } = {},
): Promise<number> {
  const cutoff = alertHistoryCutoff(opts.now ?? new Date(), opts.retentionDays);
  return (await db.alertHistory.deleteMany({ where: { at: { lt: cutoff } } })).count;
}

export interface AlertHistoryRow {
  id: string;
  ruleId: string | null;
  ruleName: string | null;
  groupKey: string;
  kind: 'state_change' | 'notification';
  fromState: string | null;
  toState: string | null;
  receiver: string | null;
  outcome: string | null;
  silenced: boolean;
  detail: unknown;
  at: string;
}

/** Newest first; per rule when `ruleName` is given. */
export async function listAlertHistory(
  db: Db,
  opts: { ruleName?: string; before?: Date; limit?: number } = {},
): Promise<AlertHistoryRow[]> {
  const rows = await db.alertHistory.findMany({
    where: {
      // A notification for a group of several rules names them in detail.rules.
      ...(opts.ruleName === undefined
        ? {}
        : {
            OR: [
              { ruleName: opts.ruleName },
              { ruleName: null, detail: { path: ['rules'], array_contains: [opts.ruleName] } },
            ],
          }),
      ...(opts.before === undefined ? {} : { at: { lt: opts.before } }),
    },
    orderBy: { at: 'desc' },
    take: Math.min(opts.limit ?? 200, 1000),
  });
  return rows.map((r) => ({
    id: r.id,
    ruleId: r.ruleId,
    ruleName: r.ruleName,
    groupKey: r.groupKey,
    kind: r.kind === 'notification' ? 'notification' : 'state_change',
    fromState: r.fromState,
    toState: r.toState,
    receiver: r.receiver,
    outcome: r.outcome,
    silenced: r.silenced,
    detail: r.detail,
    at: r.at.toISOString(),
  }));
}
