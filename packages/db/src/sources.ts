import { writeAudit } from './audit.ts';
import type { Db } from './client.ts';

export interface SourceRow {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date;
}

export async function createSource(
  db: Db,
  name: string,
  opts: { description?: string; actor?: string } = {},
): Promise<SourceRow> {
  return db.$transaction(async (tx) => {
    const source = await tx.source.create({ data: { name, description: opts.description ?? null } });
    await writeAudit(tx, {
      actor: opts.actor ?? 'system',
      action: 'source.create',
      entity: 'source',
      entityId: source.id,
      after: { name: source.name, description: source.description },
    });
    return source;
  });
}

export async function findSourceByName(db: Db, name: string): Promise<SourceRow | null> {
  return db.source.findUnique({ where: { name } });
}
