import { getDb } from '../../../../server/db.ts';
import { requestMeta } from '../../../../server/auth/request-meta.ts';
import { clearedSessionCookie, sessionToken } from '../../../../server/auth/session-cookie.ts';
import { signOut } from '../../../../server/auth/sign-in.ts';

export const dynamic = 'force-dynamic';

/** POST → the session row is deleted (the cookie alone is worthless afterwards) and the cookie cleared. */
export async function POST(req: Request): Promise<Response> {
  const meta = requestMeta(req.headers);
  const ended = await signOut(getDb(), sessionToken(req.headers), meta);
  return new Response(JSON.stringify({ ended }), {
    status: 200,
    headers: {
      'content-type': 'application/json',
      'set-cookie': clearedSessionCookie(),
      'x-request-id': meta.requestId,
      'cache-control': 'no-store',
    },
  });
}
