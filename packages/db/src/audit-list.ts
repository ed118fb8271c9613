import type { Db } from './client.ts';
import type { Prisma } from './generated/client.ts';

export interface AuditFilter {
  /** Part of the actor's name, case-insensitive (`alice`, `api_key:ci`). */
  actor?: string;
  /** An exact action (`schema.register`), or a prefix ending in `.` (`schema.`). */
  action?: string;
  entity?: string;
  entityId?: string;
  from?: Date;
  to?: Date;
}

/** Where the previous page ended: newest first, ties broken by id. */
export interface AuditCursor {
  at: Date;
  id: string;
}

export interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  actorKind: string;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

function whereOf(filter: AuditFilter): Prisma.AuditLogWhereInput {
  const and: Prisma.AuditLogWhereInput[] = [];
  if (filter.actor) and.push({ actor: { contains: filter.actor, mode: 'insensitive' } });
  if (filter.action) {
    and.push(
      filter.action.endsWith('.') ? { action: { startsWith: filter.action } } : { action: filter.action },
    );
  }
  if (filter.entity) and.push({ entity: filter.entity });
  if (filter.entityId) and.push({ entityId: filter.entityId });
  if (filter.from) and.push({ at: { gte: filter.from } });
  if (filter.to) and.push({ at: { lt: filter.to } });
  return { AND: and };
}

/** One page of audit rows matching `filter`, newest first, and the cursor of the next page. */
export async function listAuditRows(
  db: Db,
  filter: AuditFilter,
  page: { cursor: AuditCursor | null; limit: number },
): Promise<{ rows: AuditRow[]; next: AuditCursor | null }> {
  const where = whereOf(filter);
  const after: Prisma.AuditLogWhereInput = page.cursor
    ? {
        OR: [{ at: { lt: page.cursor.at } }, { at: page.cursor.at, id: { lt: page.cursor.id } }],
      }
    : {};
  const found = await db.auditLog.findMany({
    where: { AND: [where, after] },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    // One more than asked tells whether another page exists without counting the table.
    take: page.limit + 1,
  });
  const rows = found.slice(0, page.limit);
  const last = rows.at(-1);
  return {
    rows,
    next: found.length > page.limit && last ? { at: last.at, id: last.id } : null,
  };
}

/** The actions and entity types that occur, for the filter pickers. */
export async function auditFacets(db: Db): Promise<{ actions: string[]; entities: string[] }> {
  const [actions, entities] = await Promise.all([
    db.auditLog.groupBy({ by: ['action'], orderBy: { action: 'asc' } }),
    db.auditLog.groupBy({ by: ['entity'], orderBy: { entity: 'asc' } }),
  ]);
  return { actions: actions.map((a) => a.action), entities: entities.map((e) => e.entity) };
}
