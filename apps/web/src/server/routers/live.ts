import { z } from 'zod';
import { piiView } from '../dlq.ts';
import { getLiveOverview, getLiveTail } from '../queries/live.ts';
import { procedure, router } from '../trpc.ts';

export const liveRouter = router({
  overview: procedure('read').query(({ ctx }) => getLiveOverview(ctx.clickhouse)),
  tail: procedure('read')
    .input(
      z
        .object({
          limit: z.number().int().min(1).max(200).default(50),
          source: z.string().min(1).max(200).optional(),
          eventType: z.string().min(1).max(200).optional(),
          processor: z.string().min(1).max(200).optional(),
        })
        .default({ limit: 50 }),
    )
    .query(async ({ ctx, input }) => {
      const { limit, ...filter } = input;
      return getLiveTail(ctx.clickhouse, limit, await piiView(ctx), filter);
    }),
});
