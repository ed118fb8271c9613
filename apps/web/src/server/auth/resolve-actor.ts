import type { Db } from '@tributary/db';
import { findApiKey, validateSession } from '@tributary/db';
import { KEY_SCOPES, type Actor, type KeyScope } from './actor.ts';
import { cookiePolicy, sessionToken, type CookiePolicy } from './session-cookie.ts';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Who sent this request: `Authorization: Bearer <API key>` → the key; else the session cookie →
 * its person. null when neither resolves (unknown, revoked or expired key or session, a
 * deactivated person). NOTE: a request that presents a key is judged by the key alone, never
 * by a cookie riding along with it.
 */
export async function resolveActor(
  db: Db,
  headers: Headers,
  opts: { policy?: CookiePolicy; now?: Date } = {},
): Promise<Actor | null> {
  const authorization = headers.get('authorization');
  if (authorization) {
    const match = BEARER.exec(authorization);
    if (!match?.[1]) return null;
    const key = await findApiKey(db, match[1]);
    if (!key) return null;
    const scopes = key.scopes.filter((s): s is KeyScope => (KEY_SCOPES as readonly string[]).includes(s));
    return { kind: 'key', keyId: key.id, name: key.name, scopes };
  }
  const token = sessionToken(headers, opts.policy ?? cookiePolicy());
  if (!token) return null;
  const session = await validateSession(db, token, opts.now ? { now: opts.now } : {});
  if (!session) return null;
  return {
    kind: 'user',
    userId: session.user.id,
    name: session.user.email,
    role: session.user.role,
    piiGrant: session.user.piiGrant,
    sessionId: session.sessionId,
  };
}
