import { z } from 'zod';
import { pipelineWindowKeys } from '../../lib/windows.ts';
import { getPipelineOverview } from '../queries/pipeline.ts';
import { procedure, router } from '../trpc.ts';

export const pipelineRouter = router({
  overview: procedure('read')
    .input(z.object({ window: z.enum(pipelineWindowKeys) }))
    .query(({ ctx, input }) => getPipelineOverview(ctx.clickhouse, input.window)),
});
