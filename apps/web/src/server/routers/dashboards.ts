import {
  createDashboard,
  createShare,
  deleteDashboard,
  getDashboard,
  listDashboards,
  listShares,
  revokeShare,
  runSqlPanel,
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
import { auditName } from '../auth/actor.ts';
import { getAnalystTarget } from '../dashboards/analyst-clickhouse.ts';
import { panelFields } from '../dashboards/fields.ts';
import { panelDataDeps } from '../dashboards/panel-data-deps.ts';
import { panelData, requireAnalyst } from '../dashboards/panel-data.ts';
import { processorTable } from '../dashboards/processor-table.ts';
import { checkDashboardSave } from '../dashboards/save-checks.ts';
import { getDb } from '../db.ts';
import { procedure, router } from '../trpc.ts';

const slugInput = z.object({ slug: dashboardSlugSchema });

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
  list: procedure('read').query(() => listDashboards(getDb())),

  get: procedure('read')
    .input(slugInput)
    .query(({ input }) => getDashboard(getDb(), input.slug)),

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
      if (change.definition !== undefined) {
        const previous = await getDashboard(getDb(), slug);
        await checkDashboardSave(saveDeps(ctx.clickhouse), ctx.actor, change.definition, previous.definition);
      }
      return updateDashboard(getDb(), slug, change, { actor: auditName(ctx.actor) });
    }),

  delete: procedure('dashboards:write')
    .input(slugInput)
    .mutation(({ ctx, input }) => deleteDashboard(getDb(), input.slug, { actor: auditName(ctx.actor) })),

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
        await getDashboard(getDb(), input.slug),
        input.panelId,
        input.variables,
        input.range ? { range: input.range } : {},
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
    .query(({ input }) => listShares(getDb(), input.slug)),

  /** A new read-only link; its token is in this answer only. */
  share: procedure('dashboards:write')
    .input(slugInput)
    .mutation(({ ctx, input }) => createShare(getDb(), input.slug, { actor: auditName(ctx.actor) })),

  revokeShare: procedure('dashboards:write')
    .input(z.object({ id: z.string().uuid() }))
    .mutation(({ ctx, input }) => revokeShare(getDb(), input.id, { actor: auditName(ctx.actor) })),
});
