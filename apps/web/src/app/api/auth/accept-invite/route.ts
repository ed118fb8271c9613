import { getDb } from '../../../../server/db.ts';
import { authResponse, badRequest, readJson } from '../../../../server/auth/http.ts';
import { requestMeta } from '../../../../server/auth/request-meta.ts';
import { acceptInviteAndSignIn, acceptInviteInput } from '../../../../server/auth/sign-in.ts';

export const dynamic = 'force-dynamic';

/** POST {token, password} → the invited person exists, is signed in (cookie), and the link is spent. */
export async function POST(req: Request): Promise<Response> {
  const meta = requestMeta(req.headers);
  const input = acceptInviteInput.safeParse(await readJson(req));
  if (!input.success) {
    return badRequest(input.error.issues[0]?.message ?? 'send {"token": …, "password": …}', meta.requestId);
  }
  return authResponse(await acceptInviteAndSignIn(getDb(), input.data, meta), meta.requestId);
}
