export { backfillKey, backfillRun, chunkToken, type BackfillSpec } from './backfill-identity.ts';
export {
  planBackfill,
  runBackfill,
  type BackfillJob,
  type BackfillState,
  type RunBackfillOptions,
} from './run-backfill.ts';
export type { EventKey } from './read-events.ts';
