import { z } from 'zod';
import { getLiveOverview, getLiveTail } from '../queries/live.ts';
import { publicProcedure, router } from '../trpc.ts';

export const liveRouter = router({
  overview: publicProcedure.query(({ ctx }) => getLiveOverview(ctx.clickhouse)),
  tail: publicProcedure
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
    .query(({ ctx, input }) => getLiveTail(ctx.clickhouse, input.limit)),
});
