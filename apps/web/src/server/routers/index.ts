import { router } from '../trpc.ts';
import { liveRouter } from './live.ts';
import { pipelineRouter } from './pipeline.ts';

export const appRouter = router({
  live: liveRouter,
  pipeline: pipelineRouter,
});

export type AppRouter = typeof appRouter;
