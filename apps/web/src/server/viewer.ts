import { findApiKey, type Db } from '@tributary/db';

/** The cookie holding the API key a console viewer unlocked pii with. */
export const VIEWER_COOKIE = 'tributary_viewer_key';
/** Scopes that let a viewer see values of fields tagged pii. */
export const PII_SCOPES = ['admin', 'pii:read'] as const;
const COOKIE_MAX_AGE_S = 8 * 3600;

export interface Viewer {
  /** How audit rows name this viewer. */
  actor: string;
  canSeePii: boolean;
  keyName: string | null;
}

export const ANONYMOUS: Viewer = { actor: 'console', canSeePii: false, keyName: null };

function cookieValue(headers: Headers, name: string): string | null {
  for (const part of (headers.get('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

/**
 * Who is looking. The console has no sign-in yet: a viewer proves the right to see pii by
 * presenting an API key with a pii scope once; it is kept in an http-only cookie for a working
 * day and checked (and so revocable) on every request.
 */
export async function resolveViewer(db: Db, headers: Headers): Promise<Viewer> {
  const key = cookieValue(headers, VIEWER_COOKIE);
  if (!key) return ANONYMOUS;
  const match = await findApiKey(db, key);
  if (!match) return ANONYMOUS;
  return {
    actor: `api_key:${match.name}`,
    canSeePii: match.scopes.some((s) => (PII_SCOPES as readonly string[]).includes(s)),
    keyName: match.name,
  };
}

export function viewerCookie(key: string | null): string {
  const value = key === null ? '' : encodeURIComponent(key);
  return `${VIEWER_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${key === null ? 0 : COOKIE_MAX_AGE_S}`;
}
