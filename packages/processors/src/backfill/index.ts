export { backfillKey, backfillRun, chunkToken, type BackfillSpec } from './backfill-identity.ts';
export {
  planBackfill,
  runBackfill,
  type BackfillJob,
  type BackfillState,
  type RunBackfillOptions,
} from './run-backfill.ts';
export type { EventKey } from './read-events.ts';
export {
  BACKFILL_STALE_MS,
  backfillStartSchema,
  getBackfill,
  listBackfills,
  resumeInterruptedBackfills,
  startBackfill,
  stopBackfill,
  type BackfillDeps,
  type BackfillStartInput,
  type BackfillView,
} from './backfill-jobs.ts';
