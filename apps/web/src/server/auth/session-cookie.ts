import { env } from '../../env.ts';

/**
 * The session cookie. `__Host-` binds it to this exact origin (no Domain, Path=/, Secure), so a
 * sibling subdomain cannot plant or overwrite it. NOTE: browsers accept a `__Host-` cookie only
 * with Secure, and only over https; a console served over plain http (127.0.0.1 on one machine)
 * therefore uses the unprefixed name. Which one is decided by the configured console origin,
 * never by the request, so an https console never reads the unprefixed name.
 */
export const SECURE_SESSION_COOKIE = '__Host-tributary_session';
export const PLAIN_SESSION_COOKIE = 'tributary_session';

export interface CookiePolicy {
  name: string;
  secure: boolean;
}

export function cookiePolicy(origins: readonly string[] = env.TRIBUTARY_CONSOLE_ORIGIN): CookiePolicy {
  const secure = origins[0]?.startsWith('https:') ?? false;
  return { name: secure ? SECURE_SESSION_COOKIE : PLAIN_SESSION_COOKIE, secure };
}

/** The value of cookie `name` in a Cookie header, or null. */
export function readCookie(headers: Headers, name: string): string | null {
  for (const part of (headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value === '' ? null : value;
    }
  }
  return null;
}

export function sessionToken(headers: Headers, policy = cookiePolicy()): string | null {
  const token = readCookie(headers, policy.name);
  // Tokens are base32 (secrets.ts); anything else is not worth a database lookup.
  return token && /^[a-z2-7]{16,64}$/.test(token) ? token : null;
}

/**
 * Set-Cookie for a new session. No Max-Age: the browser drops it when it closes, and the
 * server-side expiry (sliding, SESSION_TTL_MS) is what actually bounds a session.
 */
export function sessionCookie(token: string, policy = cookiePolicy()): string {
  return `${policy.name}=${token}; Path=/; HttpOnly; SameSite=Lax${policy.secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(policy = cookiePolicy()): string {
  return `${policy.name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${policy.secure ? '; Secure' : ''}`;
}
