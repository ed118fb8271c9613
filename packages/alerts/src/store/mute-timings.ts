import { muteTimingSchema, TributaryError, type MuteTiming } from '@tributary/contracts';
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
import { routesUsingMuteTiming } from './policy-references.ts';
import { lockNotificationConfig, storedPolicy } from './routing.ts';

/** Mute timings (recurring windows a route sends nothing in) as data, audited. */

export interface AlertMuteTimingView {
  name: string;
  muteTiming: MuteTiming;
  revision: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export const updateAlertMuteTimingInputSchema = z.object({
  revision: z.number().int().positive(),
  muteTiming: z.unknown(),
});

type Row = NonNullable<Awaited<ReturnType<Db['alertMuteTiming']['findUnique']>>>;

function toView(row: Row): AlertMuteTimingView {
  return {
    name: row.name,
    muteTiming: muteTimingSchema.parse(row.definition),
    revision: row.revision,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy,
  };
}

const parseTiming = (input: unknown): MuteTiming => parseOrRefuse(muteTimingSchema, input, 'mute timing');

export async function listAlertMuteTimings(db: Db): Promise<AlertMuteTimingView[]> {
  const rows = await db.alertMuteTiming.findMany({ orderBy: { name: 'asc' }, take: 1000 });
  return rows.map(toView);
}

export async function getAlertMuteTiming(db: Db, name: string): Promise<AlertMuteTimingView> {
  const row = await db.alertMuteTiming.findUnique({ where: { name } });
  if (!row) throw notFound('mute timing', name);
  return toView(row);
}

export async function createAlertMuteTiming(
  db: Db,
  input: unknown,
  opts: { actor: string },
): Promise<AlertMuteTimingView> {
  const timing = parseTiming(input);
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.alertMuteTiming.create({
        data: { name: timing.name, definition: timing, createdBy: opts.actor, updatedBy: opts.actor },
      });
      await writeAudit(tx, {
        actor: opts.actor,
        action: 'alert_mute_timing.create',
        entity: 'alert_mute_timing',
        entityId: row.id,
        after: { name: row.name, revision: row.revision, definition: timing },
      });
      return toView(row);
    }, TX_OPTIONS);
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new TributaryError('conflict', `a mute timing ${JSON.stringify(timing.name)} already exists`);
    }
    throw err;
  }
}

/** Replaces the windows; `input` is {revision, muteTiming}. It keeps its name. */
export async function updateAlertMuteTiming(
  db: Db,
  name: string,
  input: unknown,
  opts: { actor: string },
): Promise<AlertMuteTimingView> {
  const change = parseOrRefuse(updateAlertMuteTimingInputSchema, input, 'mute timing change');
  const timing = parseTiming(change.muteTiming);
  if (timing.name !== name) {
    throw fieldRefusal(
      'mute timing',
      'name',
      `a mute timing keeps its name (${name}); routing refers to it by name`,
    );
  }
  return db.$transaction(async (tx) => {
    const before = await tx.alertMuteTiming.findUnique({ where: { name } });
    if (!before) throw notFound('mute timing', name);
    const updated = await tx.alertMuteTiming.updateMany({
      where: { id: before.id, revision: change.revision },
      data: { definition: timing, revision: { increment: 1 }, updatedBy: opts.actor },
    });
    if (updated.count === 0) throw staleRevision('mute timing', name, before.revision, change.revision);
    const row = await tx.alertMuteTiming.findUniqueOrThrow({ where: { id: before.id } });
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'alert_mute_timing.update',
      entity: 'alert_mute_timing',
      entityId: row.id,
      before: { revision: before.revision, definition: before.definition ?? null },
      after: { revision: row.revision, definition: timing },
    });
    return toView(row);
  }, TX_OPTIONS);
}

/** Refused while a route of the routing tree uses it (the refusal names the routes). */
export async function deleteAlertMuteTiming(db: Db, name: string, opts: { actor: string }): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockNotificationConfig(tx);
    const row = await tx.alertMuteTiming.findUnique({ where: { name } });
    if (!row) throw notFound('mute timing', name);
    const stored = await storedPolicy(tx);
    const users = stored ? routesUsingMuteTiming(stored.policy, name) : [];
    if (users.length > 0) {
      throw new TributaryError(
        'conflict',
        `mute timing ${JSON.stringify(name)} is used by routing: ${users.map((u) => u.label).join('; ')}; ` +
          'change those routes first',
        { routes: users.map((u) => u.path) },
      );
    }
    await tx.alertMuteTiming.delete({ where: { id: row.id } });
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'alert_mute_timing.delete',
      entity: 'alert_mute_timing',
      entityId: row.id,
      before: { name: row.name, revision: row.revision, definition: row.definition ?? null },
    });
  }, TX_OPTIONS);
}
