// POST /api/alerts/inbox: where the built-in `inbox` webhook receiver delivers, so alerts can be
// seen end to end without any outside system. Not a session or API-key route: the caller is
// the jobs service, which proves itself with the receiver's bearer token.
import { TributaryError } from '@tributary/contracts';
import { metricsAllowed } from '@tributary/contracts/exposure';
import type { Db } from '@tributary/db';
import { readJson } from '../api/body.ts';
import { handle, json } from '../api/responses.ts';
import { saveInboxMessage, type JsonObject } from './inbox-store.ts';

export interface InboxDeps {
  db: Db;
  /** ALERT_INBOX_TOKEN; unset refuses every delivery. */
  token: string | undefined;
}

/** A notification of a big group is a few KB per alert; this is far above any real one. */
export const INBOX_BODY_LIMIT_BYTES = 256 * 1024;

export function receiveInboxHandler(req: Request, deps: InboxDeps): Promise<Response> {
  return handle(async () => {
    if (!deps.token) {
      throw new TributaryError(
        'unauthorized',
        'this console has no ALERT_INBOX_TOKEN, so its alert inbox accepts no deliveries',
      );
    }
    // The metrics endpoint's Bearer check, constant-time over the token's bytes; it runs before
    // the body is read, so a stranger's upload costs nothing.
    if (!metricsAllowed(deps.token, req.headers.get('authorization'))) {
      throw new TributaryError('unauthorized', 'send the inbox token as Authorization: Bearer <token>');
    }
    const body = await readJson(req, INBOX_BODY_LIMIT_BYTES);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new TributaryError('bad_request', "send one JSON object (Tributary's webhook payload)");
    }
    const { id } = await saveInboxMessage(deps.db, body as JsonObject);
    return json({ id }, 201);
  });
}
