import type { Db } from './client.ts';
import type { UserRole } from './generated/client.ts';
import { generateToken, hashToken } from './secrets.ts';

/** A session lives this long after its last renewal. */
export const SESSION_TTL_MS = 7 * 24 * 3600_000;
/** A session used with less than this left is renewed to a full SESSION_TTL_MS (sliding expiry). */
export const SESSION_RENEW_BELOW_MS = SESSION_TTL_MS / 2;
/** lastSeenAt is written at most this often, so a busy console costs one UPDATE a minute. */
export const SESSION_SEEN_RESOLUTION_MS = 60_000;

export interface NewSession {
  /** The cookie value: shown to the browser once, never stored. */
  token: string;
  id: string;
  expiresAt: Date;
}

export interface SessionUser {
  sessionId: string;
  expiresAt: Date;
  /** true when this lookup moved expiresAt (the cookie's Max-Age should follow). */
  renewed: boolean;
  user: { id: string; email: string; role: UserRole; piiGrant: boolean };
}

export async function createSession(
  db: Db,
  userId: string,
  meta: { ip: string | null; userAgent: string | null },
  opts: { now?: Date } = {},
): Promise<NewSession> {
  const now = opts.now ?? new Date();
  const token = generateToken();
  const id = hashToken(token);
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.session.create({
    data: { id, userId, expiresAt, createdAt: now, lastSeenAt: now, ip: meta.ip, userAgent: meta.userAgent },
  });
  return { token, id, expiresAt };
}

/**
 * The person a session token belongs to, or null when the session is unknown, expired or its
 * person deactivated. An expired session's row is deleted on sight.
 */
export async function validateSession(
  db: Db,
  token: string,
  opts: { now?: Date } = {},
): Promise<SessionUser | null> {
  const now = opts.now ?? new Date();
  const id = hashToken(token);
  const row = await db.session.findUnique({
    where: { id },
    include: { user: { select: { id: true, email: true, role: true, piiGrant: true, deactivatedAt: true } } },
  });
  if (!row) return null;
  if (row.expiresAt.getTime() <= now.getTime()) {
    await db.session.deleteMany({ where: { id } });
    return null;
  }
  if (row.user.deactivatedAt !== null) return null;
  let expiresAt = row.expiresAt;
  const renew = expiresAt.getTime() - now.getTime() < SESSION_RENEW_BELOW_MS;
  const seenStale = now.getTime() - row.lastSeenAt.getTime() >= SESSION_SEEN_RESOLUTION_MS;
  if (renew || seenStale) {
    if (renew) expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    // NOTE: bookkeeping only; a failed write must not sign the person out.
    await db.session.updateMany({ where: { id }, data: { lastSeenAt: now, expiresAt } }).catch(() => {});
  }
  const { deactivatedAt: _d, ...user } = row.user;
  return { sessionId: id, expiresAt, renewed: renew, user };
}

/** Ends one session on the server (sign-out). Returns false when it was already gone. */
export async function revokeSession(db: Db, sessionId: string): Promise<boolean> {
  const { count } = await db.session.deleteMany({ where: { id: sessionId } });
  return count > 0;
}

/** Ends every session of a person. */
export async function revokeUserSessions(db: Db, userId: string): Promise<number> {
  const { count } = await db.session.deleteMany({ where: { userId } });
  return count;
}

/** Deletes expired sessions; returns how many. */
export async function deleteExpiredSessions(db: Db, now = new Date()): Promise<number> {
  const { count } = await db.session.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}
