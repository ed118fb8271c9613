import type { Db } from './client.ts';
import type { Prisma } from './generated/client.ts';

/** Prisma's transaction client has the same model API as the full client minus $-methods. */
export type DbTx = Prisma.TransactionClient;

export interface AuditEntry {
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
}

export async function writeAudit(db: Db | DbTx, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({ data: entry });
}
