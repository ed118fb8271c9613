import {
  assertMayEdit,
  assertMayView,
  createDashboard,
  createShare,
  deleteDashboard,
  getDashboard,
  listDashboards,
  listShares,
  mayEdit,
  mayView,
  revokeShare,
  runSqlPanel,
  setDashboardAccess,
  shareDashboardSlug,
  updateDashboard,
} from '@tributary/analytics';
import {
  dashboardRangeAt,
  dashboardRanges,
  dashboardSlugSchema,
  panelSourceSchema,
  panelSqlSchema,
  TributaryError,
} from '@tributary/contracts';
import { listProcessors } from '@tributary/processors';
import { z } from 'zod';
import { auditName, can, type Actor } from '../auth/actor.ts';
import { getAnalystTarget } from '../dashboards/analyst-clickhouse.ts';
import { dashboardCaller } from '../dashboards/dashboard-caller.ts';
import { dashboardVariableValues } from '../dashboards/variable-values.ts';
import { panelFields } from '../dashboards/fields.ts';
import { panelDataDeps } from '../dashboards/panel-data-deps.ts';
import { panelData, requireAnalyst } from '../dashboards/panel-data.ts';
import { processorTable } from '../dashboards/processor-table.ts';
import { checkDashboardSave } from '../dashboards/save-checks.ts';
import { getDb } from '../db.ts';
import { procedure, router } from '../trpc.ts';

const slugInput = z.object({ slug: dashboardSlugSchema });

/** The dashboard, once the caller may open it (per-dashboard access, beyond `read`). */
async function viewable(slug: string, actor: Actor) {
  const d = await getDashboard(getDb(), slug);
  assertMayView(d, dashboardCaller(actor));
  return d;
}

/** The dashboard, once the caller may change it (per-dashboard access, beyond dashboards:write). */
async function editable(slug: string, actor: Actor) {
  const d = await getDashboard(getDb(), slug);
  assertMayEdit(d, dashboardCaller(actor));
  return d;
}

const saveDeps = (clickhouse: Parameters<typeof panelDataDeps>[0]) => ({
  db: getDb(),
  clickhouse,
  analyst: getAnalystTarget(),
});

// Dashboards: reading needs `read`; creating, editing and share links `dashboards:write`; saving
// a new or changed raw SQL panel, and previewing SQL, also `dashboards:sql` (save-checks.ts).
// Anyone who may read a dashboard sees its SQL panels' results (run as the analyst user). The
// service (@tributary/analytics) validates the definition and audits every change.
export const dashboardsRouter = router({
  /** The dashboards the caller may open. */
  list: procedure('read').query(async ({ ctx }) => {
    const caller = dashboardCaller(ctx.actor);
    return (await listDashboards(getDb())).filter((d) => mayView(d, caller));
  }),

  /** The dashboard, and whether the caller may change it (so the page offers only what works). */
  get: procedure('read')
    .input(slugInput)
    .query(async ({ ctx, input }) => {
      const d = await viewable(input.slug, ctx.actor);
      return { ...d, canEdit: can(ctx.actor, 'dashboards:write') && mayEdit(d, dashboardCaller(ctx.actor)) };
    }),

  /** The definition is checked by the service (its problems come back with their paths). */
  create: procedure('dashboards:write')
    .input(
      z.object({
        slug: z.string(),
        title: z.string(),
        description: z.string().optional(),
        definition: z.unknown(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await checkDashboardSave(saveDeps(ctx.clickhouse), ctx.actor, input.definition, null);
      return createDashboard(getDb(), input, { actor: auditName(ctx.actor) });
    }),

  update: procedure('dashboards:write')
    .input(
      z.object({
        slug: dashboardSlugSchema,
        revision: z.number(),
        title: z.string().optional(),
        description: z.string().optional(),
        definition: z.unknown().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { slug, ...change } = input;
      const previous = await editable(slug, ctx.actor);
      if (change.definition !== undefined) {
        await checkDashboardSave(saveDeps(ctx.clickhouse), ctx.actor, change.definition, previous.definition);
      }
      return updateDashboard(getDb(), slug, change, { actor: auditName(ctx.actor) });
    }),

  delete: procedure('dashboards:write')
    .input(slugInput)
    .mutation(async ({ ctx, input }) => {
      await editable(input.slug, ctx.actor);
      return deleteDashboard(getDb(), input.slug, { actor: auditName(ctx.actor) });
    }),

  /** Who may open and change it: roles, empty for everyone (its creator and admins always may). */
  setAccess: procedure('dashboards:write')
    .input(
      z.object({
        slug: dashboardSlugSchema,
        revision: z.number(),
        viewRoles: z.array(z.string()).max(10),
        editRoles: z.array(z.string()).max(10),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await editable(input.slug, ctx.actor);
      const { slug, ...access } = input;
      return setDashboardAccess(getDb(), slug, access, { actor: auditName(ctx.actor) });
    }),

  /**
   * One panel's series for the dashboard's range and the given variable values, read through
   * the console's bounded ClickHouse user; cached per refresh bucket for every viewer.
   */
  panel: procedure('read')
    .input(
      z.object({
        slug: dashboardSlugSchema,
        panelId: z.string().max(40),
        variables: z.record(z.string().max(40), z.string().max(1000).nullable()).default({}),
        /** Another range than the saved one, for this look only. */
        range: z.enum(dashboardRanges).optional(),
      }),
    )
    .query(async ({ ctx, input }) =>
      panelData(
        panelDataDeps(ctx.clickhouse),
        await viewable(input.slug, ctx.actor),
        input.panelId,
        input.variables,
        input.range ? { range: input.range } : {},
      ),
    ),

  /** Values a variable suggests (event types, sources, a field's values), most frequent first. */
  variableValues: procedure('read')
    .input(
      z.object({
        slug: dashboardSlugSchema,
        variable: z.string().max(40),
        range: z.enum(dashboardRanges).optional(),
      }),
    )
    .query(async ({ ctx, input }) =>
      dashboardVariableValues(
        ctx.clickhouse,
        await viewable(input.slug, ctx.actor),
        input.variable,
        input.range,
      ),
    ),

  /**
   * Runs SQL as a panel would (the analyst user, the panel limits, the range bound to
   * {from:DateTime64(3)} / {to:DateTime64(3)}), for the builder's SQL tab. Not cached.
   */
  sqlPreview: procedure('dashboards:sql')
    .input(z.object({ sql: panelSqlSchema, range: z.enum(dashboardRanges).default('1h') }))
    .mutation(({ input, signal }) =>
      runSqlPanel(requireAnalyst(getAnalystTarget()), input.sql, {
        range: dashboardRangeAt(input.range, Date.now()),
        ...(signal ? { signal } : {}),
      }),
    ),

  /**
   * Fields the builder suggests for a source: an events source's root fields and the `data.`
   * paths its event types' latest registered schemas declare (with types), or a processor
   * table's columns.
   */
  fields: procedure('read')
    .input(z.object({ source: panelSourceSchema }))
    .query(({ ctx, input }) => panelFields(getDb(), ctx.clickhouse, input.source)),

  /** Processors a panel may read: those whose running (or newest) version writes a table. */
  processorSources: procedure('read').query(async ({ ctx }) => {
    const out: Array<{ name: string; table: string; columns: string[] }> = [];
    for (const p of await listProcessors(getDb())) {
      try {
        const table = await processorTable(getDb(), ctx.clickhouse, p.name);
        out.push({ name: p.name, table: table.name, columns: table.columns.map((c) => c.name) });
      } catch (err) {
        // Not a table output, or not created yet: not offered.
        if (!(err instanceof TributaryError)) throw err;
      }
    }
    return out;
  }),

  shares: procedure('dashboards:write')
    .input(slugInput)
    .query(async ({ ctx, input }) => {
      await editable(input.slug, ctx.actor);
      return listShares(getDb(), input.slug);
    }),

  /** A new read-only link; its token is in this answer only. */
  share: procedure('dashboards:write')
    .input(slugInput)
    .mutation(async ({ ctx, input }) => {
      await editable(input.slug, ctx.actor);
      return createShare(getDb(), input.slug, { actor: auditName(ctx.actor) });
    }),

  revokeShare: procedure('dashboards:write')
    .input(z.object({ id: z.string().uuid() }))
    .mutation(async ({ ctx, input }) => {
      await editable(await shareDashboardSlug(getDb(), input.id), ctx.actor);
      return revokeShare(getDb(), input.id, { actor: auditName(ctx.actor) });
    }),
});
