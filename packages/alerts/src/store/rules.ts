import { alertRuleNameSchema, alertRuleSchema, TributaryError, type AlertRule } from '@tributary/contracts';
import { writeAudit, type Db } from '@tributary/db';
import { z } from 'zod';
import {
  fieldRefusal,
  isUniqueViolation,
  notFound,
  parseOrRefuse,
  staleRevision,
  TX_OPTIONS,
} from './errors.ts';

/**
 * Alert rules as data: one row per rule holding its whole definition (contracts' alertRuleSchema),
 * audited on every change. An update names the revision it was made from; a stale one is a
 * conflict, so two editors (or a console edit and a CI push) never overwrite each other silently.
 */

export interface AlertRuleView {
  id: string;
  name: string;
  rule: AlertRule;
  enabled: boolean;
  revision: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export const updateAlertRuleInputSchema = z.object({
  /** The revision this change was made from. */
  revision: z.number().int().positive(),
  rule: z.unknown(),
});

type Row = NonNullable<Awaited<ReturnType<Db['alertRule']['findUnique']>>>;

function toView(row: Row): AlertRuleView {
  return {
    id: row.id,
    name: row.name,
    // Stored only after validation; parsed again so a hand-edited row fails loudly, not later.
    rule: alertRuleSchema.parse(row.definition),
    enabled: row.enabled,
    revision: row.revision,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy,
  };
}

function parseRule(input: unknown): AlertRule {
  return parseOrRefuse(alertRuleSchema, input, 'alert rule');
}

function checkName(name: string): string {
  const checked = alertRuleNameSchema.safeParse(name);
  if (!checked.success)
    throw fieldRefusal('alert rule', 'name', checked.error.issues[0]?.message ?? 'invalid');
  return checked.data;
}

export async function listAlertRules(db: Db): Promise<AlertRuleView[]> {
  const rows = await db.alertRule.findMany({ orderBy: { name: 'asc' }, take: 5000 });
  return rows.map(toView);
}

export async function getAlertRule(db: Db, name: string): Promise<AlertRuleView> {
  const row = await db.alertRule.findUnique({ where: { name } });
  if (!row) throw notFound('alert rule', name);
  return toView(row);
}

export async function createAlertRule(
  db: Db,
  input: unknown,
  opts: { actor: string },
): Promise<AlertRuleView> {
  const rule = parseRule(input);
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.alertRule.create({
        data: {
          name: rule.name,
          definition: rule,
          enabled: rule.enabled,
          createdBy: opts.actor,
          updatedBy: opts.actor,
        },
      });
      await writeAudit(tx, {
        actor: opts.actor,
        action: 'alert_rule.create',
        entity: 'alert_rule',
        entityId: row.id,
        after: { name: row.name, revision: row.revision, definition: rule },
      });
      return toView(row);
    }, TX_OPTIONS);
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new TributaryError('conflict', `an alert rule ${JSON.stringify(rule.name)} already exists`);
    }
    throw err;
  }
}

/** Replaces the rule's definition; `input` is {revision, rule}. The rule keeps its name. */
export async function updateAlertRule(
  db: Db,
  name: string,
  input: unknown,
  opts: { actor: string },
): Promise<AlertRuleView> {
  const change = parseOrRefuse(updateAlertRuleInputSchema, input, 'alert rule change');
  const rule = parseRule(change.rule);
  if (rule.name !== name) {
    throw fieldRefusal(
      'alert rule',
      'name',
      `a rule keeps its name (${name}); create a new rule to rename it`,
    );
  }
  return db.$transaction(async (tx) => {
    const before = await tx.alertRule.findUnique({ where: { name } });
    if (!before) throw notFound('alert rule', name);
    // The revision guard is in the WHERE: a concurrent save between the read and the write
    // makes this update match nothing instead of overwriting it.
    const updated = await tx.alertRule.updateMany({
      where: { id: before.id, revision: change.revision },
      data: { definition: rule, enabled: rule.enabled, revision: { increment: 1 }, updatedBy: opts.actor },
    });
    if (updated.count === 0) throw staleRevision('alert rule', name, before.revision, change.revision);
    const row = await tx.alertRule.findUniqueOrThrow({ where: { id: before.id } });
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'alert_rule.update',
      entity: 'alert_rule',
      entityId: row.id,
      before: { revision: before.revision, definition: before.definition ?? null },
      after: { revision: row.revision, definition: rule },
    });
    return toView(row);
  }, TX_OPTIONS);
}

/**
 * Config as code (PUT /api/v1/alerts/<name>): creates the rule, or replaces it — checked against
 * `revision` when the caller names one, unconditionally when it does not (the file in the
 * repository is the truth).
 */
export async function putAlertRule(
  db: Db,
  name: string,
  input: unknown,
  opts: { actor: string; revision?: number | undefined },
): Promise<{ created: boolean; view: AlertRuleView }> {
  checkName(name);
  const body = input !== null && typeof input === 'object' && !('name' in input) ? { ...input, name } : input;
  const rule = parseRule(body);
  if (rule.name !== name) {
    throw fieldRefusal('alert rule', 'name', `the body names ${rule.name}, the address ${name}`);
  }
  const existing = await db.alertRule.findUnique({ where: { name } });
  if (!existing) {
    if (opts.revision !== undefined && opts.revision !== 0) {
      throw staleRevision('alert rule', name, 0, opts.revision);
    }
    return { created: true, view: await createAlertRule(db, rule, opts) };
  }
  // If-Match "0" means "only if it does not exist yet".
  if (opts.revision === 0) throw staleRevision('alert rule', name, existing.revision, 0);
  const revision = opts.revision ?? existing.revision;
  return { created: false, view: await updateAlertRule(db, name, { revision, rule }, opts) };
}

export async function deleteAlertRule(db: Db, name: string, opts: { actor: string }): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await tx.alertRule.findUnique({ where: { name } });
    if (!row) throw notFound('alert rule', name);
    // Its instances go with it (cascade); its history stays for the retention period.
    await tx.alertRule.delete({ where: { id: row.id } });
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'alert_rule.delete',
      entity: 'alert_rule',
      entityId: row.id,
      before: { name: row.name, revision: row.revision, definition: row.definition ?? null },
    });
  }, TX_OPTIONS);
}
