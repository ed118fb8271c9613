import { resolveShare } from '@tributary/analytics';
import { z } from 'zod';
import { panelDataDeps } from '../dashboards/panel-data-deps.ts';
import { panelData } from '../dashboards/panel-data.ts';
import { getDb } from '../db.ts';
import { publicProcedure, router } from '../trpc.ts';

const token = z.string().min(1).max(200);

// A dashboard opened by its share link, signed out. Only as saved: its own range and variable
// defaults, so every visitor asks the same cached queries (a visitor cannot make the console run
// new ones by varying inputs). An unknown or revoked link is NOT_FOUND, the same words for both.
export const sharedRouter = router({
  dashboard: publicProcedure.input(z.object({ token })).query(async ({ input }) => {
    const d = await resolveShare(getDb(), input.token);
    // Who made and changed it stays inside the console.
    return { title: d.title, description: d.description, definition: d.definition };
  }),

  panel: publicProcedure
    .input(z.object({ token, panelId: z.string().max(40) }))
    .query(async ({ ctx, input }) =>
      panelData(panelDataDeps(ctx.clickhouse), await resolveShare(getDb(), input.token), input.panelId, {}),
    ),
});
