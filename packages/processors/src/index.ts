/** Processors: versions, publishing, preview, lookup tables, and their ClickHouse output tables. */
export {
  checkDefinition,
  definitionRefused,
  pathText,
  requireValidDefinition,
  type CheckOptions,
  type DefinitionCheck,
  type DefinitionError,
} from './check-definition.ts';
export {
  loadProcessorContext,
  type LoadedProcessorContext,
  type ProcessorContextOptions,
} from './context.ts';
export { dataFieldsOf, EVENT_ROOT_FIELDS } from './known-fields.ts';
export { fieldOfTagPath, loadPiiFields } from './pii-fields.ts';
export { PII_MASK, PiiMasker } from './pii-mask.ts';
export { diffEvents, valueAt, type FieldChange } from './event-diff.ts';
export { castable, outputProblems } from './output-check.ts';
export { outputTableProblems } from './output-table-check.ts';
export {
  assertProcessorName,
  createProcessor,
  createVersion,
  getProcessor,
  getProcessorVersion,
  listProcessors,
  MAX_DESCRIPTION,
  MAX_NOTE,
  type ActorOptions,
} from './processors.ts';
export {
  activeEventsWriter,
  pauseProcessor,
  publishVersion,
  resumeProcessor,
  rollbackTo,
  type LifecycleDeps,
} from './lifecycle.ts';
export {
  listLookupTables,
  listLookupVersions,
  MAX_LOOKUP_CSV_BYTES,
  MAX_LOOKUP_ROWS,
  uploadLookupTable,
  type LookupTableView,
  type LookupVersionView,
} from './lookup-tables.ts';
export { lookupDataOf } from './lookup-data.ts';
export {
  NO_EVENTS_RATES,
  processorRates,
  RATES_WINDOW_SECONDS,
  type ProcessorRates,
} from './processor-rates.ts';
export {
  previewDefinition,
  PREVIEW_DEFAULT_LIMIT,
  PREVIEW_MAX_LIMIT,
  PREVIEW_SHOWN_EVENTS,
  type PreviewDeps,
  type PreviewEvent,
  type PreviewResult,
  type PreviewStep,
} from './preview.ts';
export {
  parseWorkerRunning,
  workerRunningSchema,
  workersRunningPattern,
  type WorkerRunning,
} from './workers-running.ts';
export {
  recentOutput,
  RECENT_OUTPUT_MINUTES,
  RECENT_OUTPUT_ROWS,
  type OutputByVersion,
  type RecentOutput,
} from './recent-output.ts';
export type { ProcessorDetail, ProcessorVersionView, ProcessorView } from './views.ts';
export {
  loadActiveSet,
  loadProcessorVersion,
  type ActiveProcessor,
  type ActiveSet,
  type LoadProblem,
} from './runtime/load-active.ts';
export * from './tables/index.ts';
export * from './backfill/index.ts';
