import { router } from '../trpc.ts';
import { liveRouter } from './live.ts';
import { pipelineRouter } from './pipeline.ts';
import { schemasRouter } from './schemas.ts';

export const appRouter = router({
  live: liveRouter,
  pipeline: pipelineRouter,
  schemas: schemasRouter,
});

export type AppRouter = typeof appRouter;
