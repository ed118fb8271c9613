import { router } from '../trpc.ts';
import { auditRouter } from './audit.ts';
import { dlqRouter } from './dlq.ts';
import { liveRouter } from './live.ts';
import { pipelineRouter } from './pipeline.ts';
import { schemasRouter } from './schemas.ts';
import { sourcesRouter } from './sources.ts';
import { viewerRouter } from './viewer.ts';

export const appRouter = router({
  audit: auditRouter,
  dlq: dlqRouter,
  live: liveRouter,
  pipeline: pipelineRouter,
  schemas: schemasRouter,
  sources: sourcesRouter,
  viewer: viewerRouter,
});

export type AppRouter = typeof appRouter;
