import type { Db } from './client.ts';
import { generatePassword, verifyPassword } from './secrets.ts';
import { createUser, findUserByEmail, normalizeEmail } from './users.ts';

export const FIRST_ADMIN_EMAIL = 'admin@tributary.local';

export interface FirstAdmin {
  email: string;
  /** The password to show and store: new when `created`, else the known one if it still works. */
  password: string | null;
  created: boolean;
}

/**
 * Makes sure the first admin exists. Creates `email` with a random password when there is no
 * such person; otherwise keeps the account as it is (a person may have changed the password or
 * the role since) and hands back `knownPassword` only if it still signs in.
 * NOTE: the password exists in clear only in the caller's output and .tributary/demo.env.
 */
export async function ensureFirstAdmin(
  db: Db,
  opts: { email?: string; knownPassword?: string | null } = {},
): Promise<FirstAdmin> {
  const email = normalizeEmail(opts.email ?? FIRST_ADMIN_EMAIL);
  const existing = await db.user.findUnique({ where: { email }, select: { passwordHash: true } });
  if (existing) {
    const known = opts.knownPassword ?? null;
    const stillValid = known !== null && (await verifyPassword(existing.passwordHash, known));
    return { email, password: stillValid ? known : null, created: false };
  }
  const password = generatePassword();
  try {
    await createUser(db, { email, password, role: 'admin' }, { actor: 'seed' });
  } catch (err) {
    // Two starts at once: the other one created the admin first (unique email).
    if (await findUserByEmail(db, email)) return { email, password: null, created: false };
    throw err;
  }
  return { email, password, created: true };
}
