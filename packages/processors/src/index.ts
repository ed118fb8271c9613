/** Processors: versions, publishing, preview, lookup tables, and their ClickHouse output tables. */
export {};
export {
  loadActiveSet,
  loadProcessorVersion,
  type ActiveProcessor,
  type ActiveSet,
  type LoadProblem,
} from './runtime/load-active.ts';
