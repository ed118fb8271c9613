import { router } from '../trpc.ts';
import { liveRouter } from './live.ts';
import { pipelineRouter } from './pipeline.ts';
import { schemasRouter } from './schemas.ts';
import { sourcesRouter } from './sources.ts';

export const appRouter = router({
  live: liveRouter,
  pipeline: pipelineRouter,
  schemas: schemasRouter,
  sources: sourcesRouter,
});

export type AppRouter = typeof appRouter;
