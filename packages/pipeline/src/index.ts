/**
 * The checks an event goes through on its way in, as pure functions: ingest runs them on every
 * request, the console runs the very same ones for dead-letter dry runs and replays.
 */
export { depthOf } from './depth.ts';
export { validateEvent, type ValidEvent, type Validation } from './validate-event.ts';
export {
  createSchemaRules,
  type SchemaRules,
  type SchemaVerdict,
  type SourceRateLimit,
} from './schema-rules.ts';
export {
  sortEvents,
  type EventOrigin,
  type EventResult,
  type ObservedViolation,
  type RawEvent,
  type RejectCode,
  type Sorted,
} from './sort-events.ts';
export * from './processors/index.ts';
