import {
  acceptInvite,
  createSession,
  InviteError,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  normalizeEmail,
  revokeSession,
  validateSession,
  verifyCredentials,
  writeAudit,
  type Db,
  type UserRow,
} from '@tributary/db';
import { z } from 'zod';
import type { RequestMeta } from './actor.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';

export const signInInput = z.object({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

export const acceptInviteInput = z.object({
  token: z.string().min(16).max(64),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `use at least ${MIN_PASSWORD_LENGTH} characters`)
    .max(MAX_PASSWORD_LENGTH),
});

export type AuthResult =
  | { ok: true; token: string; user: Pick<UserRow, 'id' | 'email' | 'role' | 'piiGrant'> }
  | { ok: false; status: 400 | 401 | 404 | 409 | 410 | 429; message: string; retryAfterS?: number };

const WRONG = 'wrong email or password';

/**
 * Checks email and password and opens a session. Refused with 429 once the email or the IP had
 * MAX_FAILURES failures within the window; every failure (wrong password, unknown email,
 * deactivated person, throttled) is audited as `auth.sign_in_failed` with the request.
 */
export async function signIn(
  deps: { db: Db; throttle: SignInThrottle },
  input: z.infer<typeof signInInput>,
  meta: RequestMeta,
): Promise<AuthResult> {
  const email = normalizeEmail(input.email);
  const verdict = await deps.throttle.check(email, meta.ip);
  if (!verdict.allowed) {
    await auditFailure(deps.db, email, 'throttled', meta);
    return {
      ok: false,
      status: 429,
      message: `too many failed sign-ins; try again in ${verdict.retryAfterS} s`,
      retryAfterS: verdict.retryAfterS,
    };
  }
  const user = await verifyCredentials(deps.db, email, input.password);
  if (!user) {
    await deps.throttle.fail(email, meta.ip);
    await auditFailure(deps.db, email, 'wrong_credentials', meta);
    return { ok: false, status: 401, message: WRONG };
  }
  await deps.throttle.succeeded(email);
  const session = await createSession(deps.db, user.id, meta);
  await writeAudit(deps.db, {
    actor: `user:${user.email}`,
    action: 'auth.sign_in',
    entity: 'user',
    entityId: user.id,
    request: meta,
  });
  return { ok: true, token: session.token, user };
}

async function auditFailure(db: Db, email: string, reason: string, meta: RequestMeta): Promise<void> {
  // NOTE: the actor is who the request claimed to be; nobody was authenticated.
  await writeAudit(db, {
    actor: 'anonymous',
    actorKind: 'system',
    action: 'auth.sign_in_failed',
    entity: 'user',
    entityId: email,
    after: { email, reason },
    request: meta,
  });
}

/** Ends the session behind `token` on the server. Returns whether there was one. */
export async function signOut(db: Db, token: string | null, meta: RequestMeta): Promise<boolean> {
  if (!token) return false;
  const session = await validateSession(db, token);
  const ended = session ? await revokeSession(db, session.sessionId) : false;
  if (session && ended) {
    await writeAudit(db, {
      actor: `user:${session.user.email}`,
      action: 'auth.sign_out',
      entity: 'user',
      entityId: session.user.id,
      request: meta,
    });
  }
  return ended;
}

/** Creates the invited person with their password and signs them in. */
export async function acceptInviteAndSignIn(
  db: Db,
  input: z.infer<typeof acceptInviteInput>,
  meta: RequestMeta,
): Promise<AuthResult> {
  let user: UserRow;
  try {
    user = await acceptInvite(db, input.token, input.password);
  } catch (err) {
    if (err instanceof InviteError) {
      const status = err.reason === 'unknown' ? 404 : err.reason === 'email_taken' ? 409 : 410;
      return { ok: false, status, message: err.message };
    }
    throw err;
  }
  const session = await createSession(db, user.id, meta);
  return { ok: true, token: session.token, user };
}
