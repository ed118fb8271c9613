/**
 * The dead-letter store: what failed and why (queries, grouping, pii masking), dry runs and
 * replays through the same checks ingest runs, discarding, retention. The console calls these;
 * the bench and tests call them directly.
 */
export { filterSql, type FilterScope } from './filter.ts';
export { listEntries, listGroups, getEntry, scopeFor, SPARKLINE_BUCKETS, type PiiView } from './queries.ts';
export { explainCode } from './explain.ts';
export { maskPii, piiPathsFrom, MASK } from './mask.ts';
export { reprocess, type ReplayableEntry, type Reprocessed } from './reprocess.ts';
export { loadRules, loadPiiPaths } from './rules.ts';
export { dryRun, checkEdit, DRY_RUN_LIMIT } from './dry-run.ts';
export { runReplay, type ReplayTransport, type ReplayProgress } from './replay.ts';
export { queueReplay, queueResume, getReplay, listReplays, type ReplayQueueDeps } from './replay-jobs.ts';
export { REPLAY_STALE_MS } from './replay-row.ts';
export { claimReplays, TAKEOVER_ACTOR } from './replay-claim.ts';
export { runClaimed, LeaseLost, type ReplayDeps } from './replay-run.ts';
export {
  createReplayRunner,
  type ReplayRunner,
  type ReplayRunnerEvent,
  type ReplayRunnerOptions,
} from './replay-runner.ts';
export { discardEntries } from './discard.ts';
export { recordStatus } from './status.ts';
export { getRetentionDays, setRetentionDays } from './retention.ts';
export { selectionSql, countSelected } from './entries.ts';
