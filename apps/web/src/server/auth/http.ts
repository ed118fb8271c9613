import type { AuthResult } from './sign-in.ts';
import { sessionCookie } from './session-cookie.ts';

/** The JSON answer of the /api/auth routes: `{ error }` with the status, or the person + cookie. */
export function authResponse(result: AuthResult, requestId: string): Response {
  const headers = new Headers({
    'content-type': 'application/json',
    'x-request-id': requestId,
    'cache-control': 'no-store',
  });
  if (!result.ok) {
    if (result.retryAfterS !== undefined) headers.set('retry-after', String(result.retryAfterS));
    return new Response(JSON.stringify({ error: result.message }), { status: result.status, headers });
  }
  headers.append('set-cookie', sessionCookie(result.token));
  const { id, email, role, piiGrant } = result.user;
  return new Response(JSON.stringify({ user: { id, email, role, piiGrant } }), { status: 200, headers });
}

export function badRequest(message: string, requestId: string): Response {
  return new Response(JSON.stringify({ error: message }), {
    status: 400,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
  });
}

/** The request body as JSON, or null when it is not JSON (limited to 8 KiB: these bodies are tiny). */
export async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (text.length > 8192) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
