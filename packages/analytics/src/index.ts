/** Analytics: panel queries over events and rollups (routing to the coarsest exact source), dashboards. */
export * from './query/index.ts';
export * from './sql/index.ts';
export * from './dashboards/index.ts';
export {
  singleFlight,
  type SingleFlightDeps,
  type SingleFlightOptions,
  type SingleFlightResult,
} from './cache/single-flight.ts';
export {
  fieldImpact,
  overlaps,
  processorReads,
  type FieldImpact,
  type FieldUse,
  type ImpactedPanel,
  type ImpactedProcessor,
} from './impact/field-impact.ts';
export {
  processorImpact,
  type ProcessorImpact,
  type ProcessorImpactPanel,
} from './impact/processor-impact.ts';
