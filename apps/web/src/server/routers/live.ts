import { z } from 'zod';
import { piiView } from '../dlq.ts';
import { getLiveOverview, getLiveTail } from '../queries/live.ts';
import { procedure, router } from '../trpc.ts';

export const liveRouter = router({
  overview: procedure('read').query(({ ctx }) => getLiveOverview(ctx.clickhouse)),
  tail: procedure('read')
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
    .query(async ({ ctx, input }) => getLiveTail(ctx.clickhouse, input.limit, await piiView(ctx))),
});
