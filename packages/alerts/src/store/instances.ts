import { alertStates, labelsSchema } from '@tributary/contracts';
import type { Db, DbTx } from '@tributary/db';
import { z } from 'zod';
import { labelsKey } from '../labels.ts';
import type { InstanceState, StateChange } from '../state-machine.ts';
import { toJson, TX_OPTIONS } from './errors.ts';

/**
 * Alert instances between evaluations: what evaluateRule needs as `prev`, kept per rule and group
 * so a restarted (or newly elected) jobs instance continues pending periods and keep-firing
 * windows instead of starting them over. One evaluation's instances and its state changes (into
 * history) are saved in one transaction.
 */

const problem = z.enum(['breach', 'no_data', 'error']).nullable();
const ms = z.number().finite();

/** The state machine's InstanceState, checked on the way back from the database. */
const instanceStateSchema = z.object({
  labels: labelsSchema,
  state: z.enum(alertStates),
  since: ms,
  pendingFor: problem,
  activeSince: ms.nullable(),
  switchTo: problem,
  switchSince: ms.nullable(),
  recoveringSince: ms.nullable(),
  value: z.number().nullable(),
  error: z.string().nullable(),
  evaluatedAt: ms,
}) satisfies z.ZodType<InstanceState>;

/** The rule's instances as evaluateRule takes them, keyed by labelsKey of their labels. */
export async function loadAlertInstances(db: Db, ruleId: string): Promise<Map<string, InstanceState>> {
  const rows = await db.alertInstance.findMany({ where: { ruleId } });
  return new Map(rows.map((r) => [r.groupKey, instanceStateSchema.parse(r.machine)]));
}

/**
 * Stores what evaluateRule returned: instances it kept are written, the ones it forgot are
 * deleted, and each state change becomes a history row.
 */
export async function saveAlertEvaluation(
  db: Db,
  rule: { id: string; name: string },
  result: EvaluationResult,
): Promise<void> {
  await db.$transaction((tx) => writeAlertEvaluation(tx, rule, result), TX_OPTIONS);
}

export interface EvaluationResult {
  instances: ReadonlyMap<string, InstanceState>;
  changes: readonly StateChange[];
}

/** saveAlertEvaluation inside the caller's transaction (the evaluator writes many rules in one). */
export async function writeAlertEvaluation(
  tx: DbTx,
  rule: { id: string; name: string },
  result: EvaluationResult,
): Promise<void> {
  await tx.alertInstance.deleteMany({
    where: { ruleId: rule.id, groupKey: { notIn: [...result.instances.keys()] } },
  });
  for (const [groupKey, s] of result.instances) {
    const data = {
      state: s.state,
      since: new Date(s.since),
      lastValue: s.value,
      labels: s.labels,
      lastEvaluatedAt: new Date(s.evaluatedAt),
      machine: toJson(s),
      // An acknowledgement is for one episode: back to normal, the next problem is unowned.
      ...(s.state === 'normal' ? { acknowledgedBy: null, acknowledgedAt: null } : {}),
    };
    await tx.alertInstance.upsert({
      where: { ruleId_groupKey: { ruleId: rule.id, groupKey } },
      create: { ruleId: rule.id, groupKey, ...data },
      update: data,
    });
  }
  if (result.changes.length > 0) {
    await tx.alertHistory.createMany({
      data: result.changes.map((c) => ({
        ruleId: rule.id,
        ruleName: rule.name,
        groupKey: labelsKey(c.labels),
        kind: 'state_change',
        fromState: c.from,
        toState: c.to,
        at: new Date(c.at),
        detail: toJson({ labels: c.labels, value: c.value, reason: c.reason }),
      })),
    });
  }
}

/** Every rule's instances at once (a new leader's start), by rule id, then by labelsKey. */
export async function loadAllAlertInstances(db: Db): Promise<Map<string, Map<string, InstanceState>>> {
  const out = new Map<string, Map<string, InstanceState>>();
  for (const r of await db.alertInstance.findMany()) {
    let m = out.get(r.ruleId);
    if (!m) out.set(r.ruleId, (m = new Map()));
    m.set(r.groupKey, instanceStateSchema.parse(r.machine));
  }
  return out;
}

export interface AlertInstanceView {
  rule: string;
  ruleTitle: string;
  groupKey: string;
  labels: Record<string, string>;
  state: (typeof alertStates)[number];
  since: string;
  lastValue: number | null;
  lastEvaluatedAt: string | null;
}

/** Instances not normal (pending, firing, no data, error): the Alerts page's "now". */
export async function listActiveAlertInstances(db: Db): Promise<AlertInstanceView[]> {
  const rows = await db.alertInstance.findMany({
    where: { state: { not: 'normal' } },
    include: { rule: { select: { name: true, definition: true } } },
    orderBy: { since: 'desc' },
    take: 5000,
  });
  return rows.map((r) => {
    const s = instanceStateSchema.parse(r.machine);
    const title = z.object({ title: z.string() }).safeParse(r.rule.definition);
    return {
      rule: r.rule.name,
      ruleTitle: title.success ? title.data.title : r.rule.name,
      groupKey: r.groupKey,
      labels: s.labels,
      state: s.state,
      since: r.since.toISOString(),
      lastValue: r.lastValue,
      lastEvaluatedAt: r.lastEvaluatedAt?.toISOString() ?? null,
    };
  });
}
