// /api/v1/dashboards: dashboards kept as code (list, get, create, update), with the API-key auth
// of the other management routes and the same service, checks and audit rows as the console.
import {
  assertMayEdit,
  assertMayView,
  createDashboard,
  getDashboard,
  listDashboards,
  mayView,
  updateDashboard,
} from '@tributary/analytics';
import { dashboardSlugSchema, TributaryError } from '@tributary/contracts';
import type { QueryTarget } from '@tributary/clickhouse';
import type { Db } from '@tributary/db';
import { dashboardCaller } from '../dashboards/dashboard-caller.ts';
import { checkDashboardSave } from '../dashboards/save-checks.ts';
import { authorize } from './auth.ts';
import { readJson } from './body.ts';
import { handleAudited, json } from './responses.ts';

export interface DashboardsApiDeps {
  db: Db;
  /** For the checks a save needs (processor tables' columns; SQL panels parsed as the analyst). */
  clickhouse: QueryTarget;
  analyst: QueryTarget | null;
}

/** The same checks as the console before anything is stored (raw SQL needs dashboards:sql). */
async function checkSave(
  deps: DashboardsApiDeps,
  caller: Awaited<ReturnType<typeof authorize>>,
  definition: unknown,
  previous: Parameters<typeof checkDashboardSave>[3],
): Promise<void> {
  await checkDashboardSave(deps, caller.key, definition, previous);
}

export interface SlugParams {
  params: Promise<{ slug: string }>;
}

const BODY_LIMIT_BYTES = 1024 * 1024;

async function slugOf(params: Promise<{ slug: string }>): Promise<string> {
  const { slug } = await params;
  const checked = dashboardSlugSchema.safeParse(slug);
  if (!checked.success)
    throw new TributaryError('bad_request', `invalid dashboard name ${JSON.stringify(slug)}`);
  return checked.data;
}

export function listDashboardsHandler(req: Request, deps: DashboardsApiDeps): Promise<Response> {
  return handleAudited(req, async () => {
    const caller = dashboardCaller((await authorize(req, deps.db, 'read')).key);
    return json({ items: (await listDashboards(deps.db)).filter((d) => mayView(d, caller)) });
  });
}

export function getDashboardHandler(
  req: Request,
  ctx: SlugParams,
  deps: DashboardsApiDeps,
): Promise<Response> {
  return handleAudited(req, async () => {
    const caller = dashboardCaller((await authorize(req, deps.db, 'read')).key);
    const d = await getDashboard(deps.db, await slugOf(ctx.params));
    assertMayView(d, caller);
    return json(d);
  });
}

/** 201 with the dashboard. Body: {slug, title, description?, definition}; 409 when the slug is taken. */
export function createDashboardHandler(req: Request, deps: DashboardsApiDeps): Promise<Response> {
  return handleAudited(req, async () => {
    const caller = await authorize(req, deps.db, 'dashboards:write');
    const body = await readJson(req, BODY_LIMIT_BYTES);
    await checkSave(deps, caller, (body as { definition?: unknown } | null)?.definition, null);
    return json(await createDashboard(deps.db, body, { actor: caller.actor }), 201);
  });
}

/**
 * Body: {revision, title?, description?, definition?}, revision being the one the change was made
 * from; 409 when someone saved meanwhile.
 */
export function updateDashboardHandler(
  req: Request,
  ctx: SlugParams,
  deps: DashboardsApiDeps,
): Promise<Response> {
  return handleAudited(req, async () => {
    const caller = await authorize(req, deps.db, 'dashboards:write');
    const slug = await slugOf(ctx.params);
    const body = await readJson(req, BODY_LIMIT_BYTES);
    const definition = (body as { definition?: unknown } | null)?.definition;
    const previous = await getDashboard(deps.db, slug);
    assertMayEdit(previous, dashboardCaller(caller.key));
    if (definition !== undefined) await checkSave(deps, caller, definition, previous.definition);
    return json(await updateDashboard(deps.db, slug, body, { actor: caller.actor }));
  });
}
