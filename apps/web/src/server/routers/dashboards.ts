import {
  createDashboard,
  createShare,
  deleteDashboard,
  getDashboard,
  listDashboards,
  listShares,
  revokeShare,
  updateDashboard,
} from '@tributary/analytics';
import { dashboardRanges, dashboardSlugSchema } from '@tributary/contracts';
import { z } from 'zod';
import { auditName } from '../auth/actor.ts';
import { panelDataDeps } from '../dashboards/panel-data-deps.ts';
import { panelData } from '../dashboards/panel-data.ts';
import { getDb } from '../db.ts';
import { procedure, router } from '../trpc.ts';

const slugInput = z.object({ slug: dashboardSlugSchema });

// Dashboards: reading needs `read`; creating, editing and share links `dashboards:write`. The
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
    .mutation(({ ctx, input }) => createDashboard(getDb(), input, { actor: auditName(ctx.actor) })),

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
    .mutation(({ ctx, input }) => {
      const { slug, ...change } = input;
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
