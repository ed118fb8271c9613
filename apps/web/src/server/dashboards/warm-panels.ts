import { panelVariables, type DashboardDefinition, type DashboardPanel } from '@tributary/contracts';
import { appRouter } from '../routers/index.ts';
import { createContext } from '../trpc.ts';

/**
 * The query key a panel's first look uses in the browser: only the variables it reads, each at
 * its default (components/dashboards/dashboard-view.tsx builds the same from the definition).
 */
export function firstLookVariables(
  definition: Pick<DashboardDefinition, 'variables'>,
  panel: DashboardPanel,
): Record<string, string | null> {
  const defaults = new Map(definition.variables.map((v) => [v.name, v.default]));
  return Object.fromEntries(panelVariables(panel).map((name) => [name, defaults.get(name) ?? null]));
}

/**
 * Starts a dashboard's panel queries while its page is still on the way to the browser: the
 * browser asks for the same panels (same key, same refresh bucket) once its scripts have run,
 * and the shared single flight hands it the result that is already running or done instead of
 * starting it half a second later. It goes through the tRPC caller, so the caller's permission
 * and the dashboard's access apply exactly as for the browser's own requests; a refusal or a
 * failure is dropped here (the browser's request meets and reports it).
 */
export async function warmPanels(caller: DashboardsCaller, slug: string): Promise<void> {
  const d = await caller.dashboards.get({ slug });
  await Promise.allSettled(
    d.definition.panels.map((panel) =>
      caller.dashboards.panel({
        slug,
        panelId: panel.id,
        variables: firstLookVariables(d.definition, panel),
        range: d.definition.range,
      }),
    ),
  );
}

type DashboardsCaller = Pick<ReturnType<typeof appRouter.createCaller>, 'dashboards'>;

/** warmPanels for a page request: whoever its cookies (or key) say is asking. Never throws. */
export async function warmPanelsFor(slug: string, headers: Headers): Promise<void> {
  try {
    await warmPanels(appRouter.createCaller(await createContext({ headers })), slug);
  } catch {
    // Signed out, not allowed, no such dashboard: the browser's own request reports it.
  }
}
