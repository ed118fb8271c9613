import { writeAudit, type DbTx } from './audit.ts';
import type { Db } from './client.ts';
import type { UserRole } from './generated/client.ts';
import { decoyPasswordHash, hashPassword, verifyPassword } from './secrets.ts';

export type { UserRole };
export const USER_ROLES: readonly UserRole[] = ['viewer', 'operator', 'schema_owner', 'admin'];

/** A person as the console shows them (never the password hash). */
export interface UserRow {
  id: string;
  email: string;
  role: UserRole;
  piiGrant: boolean;
  deactivatedAt: Date | null;
  createdAt: Date;
  createdBy: string;
}

export const userFields = {
  id: true,
  email: true,
  role: true,
  piiGrant: true,
  deactivatedAt: true,
  createdAt: true,
  createdBy: true,
} as const;

/** Emails compare case-insensitively; the stored form is trimmed and lowercased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface NewUser {
  email: string;
  password: string;
  role: UserRole;
  piiGrant?: boolean;
}

/** Creates a person inside a caller's transaction; audited as `user.create`. */
export async function createUserIn(tx: DbTx, input: NewUser, opts: { actor: string }): Promise<UserRow> {
  const row = await tx.user.create({
    data: {
      email: normalizeEmail(input.email),
      passwordHash: await hashPassword(input.password),
      role: input.role,
      piiGrant: input.piiGrant ?? false,
      createdBy: opts.actor,
    },
    select: userFields,
  });
  await writeAudit(tx, {
    actor: opts.actor,
    action: 'user.create',
    entity: 'user',
    entityId: row.id,
    after: { email: row.email, role: row.role, piiGrant: row.piiGrant },
  });
  return row;
}

export async function createUser(db: Db, input: NewUser, opts: { actor: string }): Promise<UserRow> {
  return db.$transaction((tx) => createUserIn(tx, input, opts));
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | null> {
  return db.user.findUnique({ where: { email: normalizeEmail(email) }, select: userFields });
}

export async function getUser(db: Db, id: string): Promise<UserRow | null> {
  return db.user.findUnique({ where: { id }, select: userFields });
}

export async function listUsers(db: Db): Promise<UserRow[]> {
  return db.user.findMany({ select: userFields, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

/**
 * The active person whose password this is, or null. An unknown email still costs one argon2
 * verification (against a decoy hash), so timing does not tell which emails have accounts.
 */
export async function verifyCredentials(db: Db, email: string, password: string): Promise<UserRow | null> {
  const row = await db.user.findUnique({ where: { email: normalizeEmail(email) } });
  const ok = await verifyPassword(row?.passwordHash ?? (await decoyPasswordHash()), password);
  if (!row || !ok || row.deactivatedAt !== null) return null;
  const { passwordHash: _hash, ...user } = row;
  return user;
}

export interface UserChange {
  role?: UserRole;
  piiGrant?: boolean;
  /** true deactivates (and ends every session), false reactivates. */
  deactivated?: boolean;
}

/**
 * Changes a person's role, pii grant or active state; audited as `user.update` with before and
 * after. Deactivating deletes the person's sessions in the same transaction.
 */
export async function updateUser(
  db: Db,
  id: string,
  change: UserChange,
  opts: { actor: string },
): Promise<UserRow | null> {
  return db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id }, select: userFields });
    if (!before) return null;
    const deactivatedAt =
      change.deactivated === undefined
        ? before.deactivatedAt
        : change.deactivated
          ? (before.deactivatedAt ?? new Date())
          : null;
    const staysAdmin = (change.role ?? before.role) === 'admin' && deactivatedAt === null;
    if (before.role === 'admin' && before.deactivatedAt === null && !staysAdmin) {
      // CRITICAL: a console without an active admin cannot invite, promote or reactivate anyone.
      // Row locks on the admins make two concurrent demotions see each other.
      const admins = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM users WHERE role = 'admin' AND deactivated_at IS NULL FOR UPDATE`;
      if (admins.length <= 1) throw new LastAdminError();
    }
    const after = await tx.user.update({
      where: { id },
      data: { role: change.role ?? before.role, piiGrant: change.piiGrant ?? before.piiGrant, deactivatedAt },
      select: userFields,
    });
    if (after.deactivatedAt !== null) await tx.session.deleteMany({ where: { userId: id } });
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'user.update',
      entity: 'user',
      entityId: id,
      before: auditView(before),
      after: auditView(after),
    });
    return after;
  });
}

/** Sets a new password; every other session of the person ends. */
export async function setPassword(
  db: Db,
  id: string,
  password: string,
  opts: { actor: string },
): Promise<void> {
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id }, data: { passwordHash } });
    await tx.session.deleteMany({ where: { userId: id } });
    await writeAudit(tx, { actor: opts.actor, action: 'user.set_password', entity: 'user', entityId: id });
  });
}

/** Refused: the change would leave no active admin. */
export class LastAdminError extends Error {
  constructor() {
    super('the last active admin cannot be demoted or deactivated; make someone else admin first');
    this.name = 'LastAdminError';
  }
}

/** How many active admins there are (the last one may not be demoted or deactivated). */
export async function countActiveAdmins(db: Db | DbTx): Promise<number> {
  return db.user.count({ where: { role: 'admin', deactivatedAt: null } });
}

function auditView(u: UserRow) {
  return {
    email: u.email,
    role: u.role,
    piiGrant: u.piiGrant,
    deactivatedAt: u.deactivatedAt?.toISOString() ?? null,
  };
}
