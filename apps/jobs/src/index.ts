/**
 * The jobs service (background work that is not per-event). Its entry point is main.ts; this
 * is for its own tests. NOTE: apps never import one another: shared loops live in packages.
 */
export { createJobsService, type JobsService } from './service.ts';
export { parseEnv, type JobsEnv } from './env.ts';
export type { JobDefinition } from './job.ts';
