// /api/v1/keys: list, issue and revoke keys as code (an API key with the admin scope). Route
// files only bind these to paths; manage-keys.ts does the work, as for the console.
import { withAuditRequest, type Db } from '@tributary/db';
import { requestMeta } from '../auth/request-meta.ts';
import { issueKey, listKeys, parseIssueInput, revokeKey } from '../keys/manage-keys.ts';
import { authorize } from './auth.ts';
import { readJson } from './body.ts';
import { handle, json } from './responses.ts';

const BODY_LIMIT_BYTES = 16 * 1024;

export interface KeyParams {
  params: Promise<{ id: string }>;
}

/** Audit rows written while `fn` runs carry the request's address, user agent and id. */
function audited(req: Request, fn: () => Promise<Response>): Promise<Response> {
  const meta = requestMeta(req.headers);
  return handle(async () => {
    const res = await withAuditRequest(meta, fn);
    res.headers.set('x-request-id', meta.requestId);
    return res;
  });
}

/** GET: `{ items: [...] }`, API keys and write keys, newest first, each with `type`. */
export function listKeysHandler(req: Request, db: Db): Promise<Response> {
  return audited(req, async () => {
    await authorize(req, db, 'admin');
    const { apiKeys, writeKeys } = await listKeys(db);
    const items = [...apiKeys, ...writeKeys].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return json({ items });
  });
}

/** POST: issues a key; 201 with the key's view and `key`, its plaintext, shown this once. */
export function issueKeyHandler(req: Request, db: Db): Promise<Response> {
  return audited(req, async () => {
    const caller = await authorize(req, db, 'admin');
    const input = parseIssueInput(await readJson(req, BODY_LIMIT_BYTES));
    return json(await issueKey(db, input, caller.actor), 201);
  });
}

/** DELETE /api/v1/keys/{id}: revokes it; 200 with its view, 404 when unknown. */
export function revokeKeyHandler(req: Request, ctx: KeyParams, db: Db): Promise<Response> {
  return audited(req, async () => {
    const caller = await authorize(req, db, 'admin');
    const { id } = await ctx.params;
    return json(await revokeKey(db, id, caller.actor));
  });
}
