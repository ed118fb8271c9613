import { getDb } from '../../../../server/db.ts';
import { badRequest, authResponse, readJson } from '../../../../server/auth/http.ts';
import { requestMeta } from '../../../../server/auth/request-meta.ts';
import { getSignInThrottle } from '../../../../server/auth/services.ts';
import { signIn, signInInput } from '../../../../server/auth/sign-in.ts';

export const dynamic = 'force-dynamic';

/** POST {email, password} → 200 + session cookie; 401 wrong; 429 + Retry-After when throttled. */
export async function POST(req: Request): Promise<Response> {
  const meta = requestMeta(req.headers);
  const input = signInInput.safeParse(await readJson(req));
  if (!input.success) return badRequest('send {"email": …, "password": …}', meta.requestId);
  return authResponse(
    await signIn({ db: getDb(), throttle: getSignInThrottle() }, input.data, meta),
    meta.requestId,
  );
}
