import { router } from '../trpc.ts';
import { alertInboxRouter } from './alert-inbox.ts';
import { alertToolsRouter } from './alert-tools.ts';
import { alertsRouter } from './alerts.ts';
import { auditRouter } from './audit.ts';
import { backfillsRouter } from './backfills.ts';
import { dashboardsRouter } from './dashboards.ts';
import { dlqRouter } from './dlq.ts';
import { groupsRouter } from './groups.ts';
import { keysRouter } from './keys.ts';
import { lineageRouter } from './lineage.ts';
import { liveRouter } from './live.ts';
import { messagesRouter } from './messages.ts';
import { pipelineRouter } from './pipeline.ts';
import { processorsRouter } from './processors.ts';
import { schemasRouter } from './schemas.ts';
import { sharedRouter } from './shared.ts';
import { sourcesRouter } from './sources.ts';
import { topicsRouter } from './topics.ts';
import { usersRouter } from './users.ts';
import { viewerRouter } from './viewer.ts';

export const appRouter = router({
  alertInbox: alertInboxRouter,
  alerts: alertsRouter,
  alertTools: alertToolsRouter,
  audit: auditRouter,
  backfills: backfillsRouter,
  dashboards: dashboardsRouter,
  dlq: dlqRouter,
  groups: groupsRouter,
  keys: keysRouter,
  lineage: lineageRouter,
  live: liveRouter,
  messages: messagesRouter,
  pipeline: pipelineRouter,
  processors: processorsRouter,
  schemas: schemasRouter,
  shared: sharedRouter,
  sources: sourcesRouter,
  topics: topicsRouter,
  users: usersRouter,
  viewer: viewerRouter,
});

export type AppRouter = typeof appRouter;
