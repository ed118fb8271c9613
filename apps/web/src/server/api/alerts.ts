// /api/v1/alerts: alert rules kept as code (list, get, put, delete), with the API-key auth of
// the other management routes and the same store, validation and audit rows as the console.
import { deleteAlertRule, getAlertRule, listAlertRules, putAlertRule } from '@tributary/alerts';
import { alertRuleNameSchema, TributaryError } from '@tributary/contracts';
import type { Db } from '@tributary/db';
import { authorize } from './auth.ts';
import { readJson } from './body.ts';
import { handleAudited, json } from './responses.ts';

export interface AlertsApiDeps {
  db: Db;
}

export interface NameParams {
  params: Promise<{ name: string }>;
}

const BODY_LIMIT_BYTES = 256 * 1024;

async function nameOf(params: Promise<{ name: string }>): Promise<string> {
  const { name } = await params;
  const checked = alertRuleNameSchema.safeParse(name);
  if (!checked.success)
    throw new TributaryError('bad_request', `invalid alert rule name ${JSON.stringify(name)}`);
  return checked.data;
}

/**
 * `If-Match: <revision>` (quoted or not, as an ETag): the revision the change was made from,
 * checked; 0 means "only if it does not exist yet". Without it a PUT replaces whatever is stored.
 */
function expectedRevision(req: Request): number | undefined {
  const header = req.headers.get('if-match');
  if (header === null) return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!m?.[1]) {
    throw new TributaryError(
      'bad_request',
      `If-Match is a rule revision such as "3", got ${JSON.stringify(header)}`,
    );
  }
  return Number(m[1]);
}

function withEtag(res: Response, revision: number): Response {
  res.headers.set('etag', `"${revision}"`);
  return res;
}

export function listAlertsHandler(req: Request, deps: AlertsApiDeps): Promise<Response> {
  return handleAudited(req, async () => {
    await authorize(req, deps.db, 'read');
    return json({ items: await listAlertRules(deps.db) });
  });
}

export function getAlertHandler(req: Request, ctx: NameParams, deps: AlertsApiDeps): Promise<Response> {
  return handleAudited(req, async () => {
    await authorize(req, deps.db, 'read');
    const view = await getAlertRule(deps.db, await nameOf(ctx.params));
    return withEtag(json(view), view.revision);
  });
}

/**
 * Body: the rule (contracts' alertRuleSchema; `name` may be left out, the address gives it).
 * 201 when created, 200 when replaced; 400 naming each invalid field; 409 on a stale If-Match.
 */
export function putAlertHandler(req: Request, ctx: NameParams, deps: AlertsApiDeps): Promise<Response> {
  return handleAudited(req, async () => {
    const caller = await authorize(req, deps.db, 'alerts:write');
    const name = await nameOf(ctx.params);
    const revision = expectedRevision(req);
    const body = await readJson(req, BODY_LIMIT_BYTES);
    const { created, view } = await putAlertRule(deps.db, name, body, { actor: caller.actor, revision });
    return withEtag(json(view, created ? 201 : 200), view.revision);
  });
}

export function deleteAlertHandler(req: Request, ctx: NameParams, deps: AlertsApiDeps): Promise<Response> {
  return handleAudited(req, async () => {
    const caller = await authorize(req, deps.db, 'alerts:write');
    await deleteAlertRule(deps.db, await nameOf(ctx.params), { actor: caller.actor });
    return new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } });
  });
}
