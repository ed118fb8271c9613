/**
 * Processor steps as pure functions: compiled once from a ProcessorDefinition, run by the
 * workers on every batch and by the console's preview and dead-letter dry runs.
 */
export { compileProcessor, type CompileResult } from './compile-processor.ts';
export { checkExpression } from './expressions.ts';
export { parseLookupCsv, LOOKUP_LIMITS, type LookupCsvResult } from './lookup-csv.ts';
export { createMemoryDedupeStore } from './memory-dedupe-store.ts';
export { processorEventOf, type EnvelopeLike } from './processor-event.ts';
export { countryOfIp, preloadGeoDatabase } from './geo-database.ts';
export { parseUserAgent, type UserAgentInfo } from './steps/parse-user-agent.ts';
export { windowsContaining } from './windows.ts';
export type {
  AggregateContribution,
  BatchOutcome,
  BatchRuntime,
  CompileContext,
  CompiledProcessor,
  DedupeStore,
  DefinitionError,
  LookupTableData,
  StepStats,
  WatermarkState,
} from './types.ts';
