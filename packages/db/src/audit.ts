import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db } from './client.ts';
import type { Prisma } from './generated/client.ts';

/** Prisma's transaction client has the same model API as the full client minus $-methods. */
export type DbTx = Prisma.TransactionClient;

export type AuditActorKind = 'user' | 'key' | 'system';

/** Where the request that caused an audit row came from. */
export interface AuditRequest {
  ip: string | null;
  userAgent: string | null;
  requestId: string;
}

export interface AuditEntry {
  /** `user:<email>`, `api_key:<name>`, or a system name such as `system`. */
  actor: string;
  /** Defaults to what the actor's prefix says. */
  actorKind?: AuditActorKind;
  action: string;
  entity: string;
  entityId: string;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
  /** Defaults to the request this write runs inside (withAuditRequest), else none. */
  request?: AuditRequest | null;
}

const currentRequest = new AsyncLocalStorage<AuditRequest>();

/**
 * Runs `fn` as part of `request`: every audit row written inside it (also by library code that
 * only knows the actor's name, and by work it starts, such as a replay finishing later) records
 * the request's IP, user agent and id.
 */
export function withAuditRequest<T>(request: AuditRequest, fn: () => T): T {
  return currentRequest.run(request, fn);
}

export function actorKindOf(actor: string): AuditActorKind {
  if (actor.startsWith('user:')) return 'user';
  if (actor.startsWith('api_key:')) return 'key';
  return 'system';
}

/** NOTE: audit rows are append-only in the database (a trigger refuses UPDATE/DELETE/TRUNCATE). */
export async function writeAudit(db: Db | DbTx, entry: AuditEntry): Promise<void> {
  const { request: given, actorKind, ...row } = entry;
  const request = given === undefined ? currentRequest.getStore() : given;
  await db.auditLog.create({
    data: {
      ...row,
      actorKind: actorKind ?? actorKindOf(entry.actor),
      ip: request?.ip ?? null,
      userAgent: request?.userAgent ?? null,
      requestId: request?.requestId ?? null,
    },
  });
}
