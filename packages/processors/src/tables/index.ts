export { ensureProcessorTables, readOutputLayout, type EnsureResult } from './ensure-tables.ts';
export { insertProcessorOutput, LIVE_RUN, type ProcessorOutputBatch } from './insert-output.ts';
export { readAggregate, type AggregateRange, type AggregateRow } from './read-aggregate.ts';
export { eventsOutputColumns, type EventsOutputColumns } from './events-columns.ts';
export { type AggregateContribution } from './output-rows.ts';
export { layoutOf, planLayoutChange, OutputTableError, type OutputLayout } from './layout.ts';
export { outputTableNames, type OutputTarget } from './names.ts';
export { readPath } from './field-path.ts';
