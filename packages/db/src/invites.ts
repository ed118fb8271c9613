import { writeAudit } from './audit.ts';
import type { Db } from './client.ts';
import type { UserRole } from './generated/client.ts';
import { generateToken, hashToken } from './secrets.ts';
import { createUserIn, normalizeEmail, type UserRow } from './users.ts';

/** An invite link works this long. */
export const INVITE_TTL_MS = 72 * 3600_000;

export interface InviteRow {
  id: string;
  email: string;
  role: UserRole;
  piiGrant: boolean;
  expiresAt: Date;
  usedAt: Date | null;
  createdAt: Date;
  createdBy: string;
}

const inviteFields = {
  id: true,
  email: true,
  role: true,
  piiGrant: true,
  expiresAt: true,
  usedAt: true,
  createdAt: true,
  createdBy: true,
} as const;

export class InviteError extends Error {
  constructor(
    readonly reason: 'unknown' | 'used' | 'expired' | 'email_taken',
    message: string,
  ) {
    super(message);
    this.name = 'InviteError';
  }
}

/**
 * Creates a one-time invite. The token (for the link) is returned once; only its hash is kept.
 * Refused when the email already has an account.
 */
export async function createInvite(
  db: Db,
  input: { email: string; role: UserRole; piiGrant?: boolean },
  opts: { actor: string; now?: Date },
): Promise<{ token: string; invite: InviteRow }> {
  const now = opts.now ?? new Date();
  const email = normalizeEmail(input.email);
  const token = generateToken();
  return db.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email }, select: { id: true } })) {
      throw new InviteError('email_taken', `${email} already has an account`);
    }
    const invite = await tx.invite.create({
      data: {
        tokenHash: hashToken(token),
        email,
        role: input.role,
        piiGrant: input.piiGrant ?? false,
        expiresAt: new Date(now.getTime() + INVITE_TTL_MS),
        createdBy: opts.actor,
      },
      select: inviteFields,
    });
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'invite.create',
      entity: 'invite',
      entityId: invite.id,
      after: {
        email,
        role: invite.role,
        piiGrant: invite.piiGrant,
        expiresAt: invite.expiresAt.toISOString(),
      },
    });
    return { token, invite };
  });
}

/** The open invite behind a link (for the set-password page), or why it cannot be used. */
export async function findInvite(db: Db, token: string, now = new Date()): Promise<InviteRow> {
  const invite = await db.invite.findUnique({ where: { tokenHash: hashToken(token) }, select: inviteFields });
  return usable(invite, now);
}

function usable(invite: InviteRow | null, now: Date): InviteRow {
  if (!invite) throw new InviteError('unknown', 'this invite link is not valid');
  if (invite.usedAt) throw new InviteError('used', 'this invite link was already used');
  if (invite.expiresAt.getTime() <= now.getTime()) {
    throw new InviteError('expired', 'this invite link has expired; ask an admin for a new one');
  }
  return invite;
}

/**
 * Accepts an invite: creates the person with `password` and marks the invite used, in one
 * transaction. NOTE: the conditional update makes a link work once even when two requests race.
 */
export async function acceptInvite(
  db: Db,
  token: string,
  password: string,
  opts: { now?: Date } = {},
): Promise<UserRow> {
  const now = opts.now ?? new Date();
  return db.$transaction(async (tx) => {
    const invite = usable(
      await tx.invite.findUnique({ where: { tokenHash: hashToken(token) }, select: inviteFields }),
      now,
    );
    const { count } = await tx.invite.updateMany({
      where: { id: invite.id, usedAt: null },
      data: { usedAt: now },
    });
    if (count === 0) throw new InviteError('used', 'this invite link was already used');
    if (await tx.user.findUnique({ where: { email: invite.email }, select: { id: true } })) {
      throw new InviteError('email_taken', `${invite.email} already has an account`);
    }
    return createUserIn(
      tx,
      { email: invite.email, password, role: invite.role, piiGrant: invite.piiGrant },
      { actor: `user:${invite.email}` },
    );
  });
}

/** Invites not yet used, newest first (for the users page). */
export async function listOpenInvites(db: Db, now = new Date()): Promise<InviteRow[]> {
  return db.invite.findMany({
    where: { usedAt: null, expiresAt: { gt: now } },
    select: inviteFields,
    orderBy: { createdAt: 'desc' },
  });
}
