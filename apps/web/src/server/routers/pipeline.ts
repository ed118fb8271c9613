import { z } from 'zod';
import { pipelineWindowKeys } from '../../lib/windows.ts';
import { getPipelineOverview } from '../queries/pipeline.ts';
import { publicProcedure, router } from '../trpc.ts';

export const pipelineRouter = router({
  overview: publicProcedure
    .input(z.object({ window: z.enum(pipelineWindowKeys) }))
    .query(({ ctx, input }) => getPipelineOverview(ctx.clickhouse, input.window)),
});
