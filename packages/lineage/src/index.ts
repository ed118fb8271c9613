export * from './graph.ts';
export { loadLineageConfig, outputTable, type LineageConfig } from './config.ts';
export { readFlowCounts, lagKey, type FlowCounts } from './flow-metrics.ts';
export { buildLineageGraph, type BuildInput, type GroupStates } from './build-graph.ts';
export { focusGraph, searchNodes } from './focus.ts';
export { lineageNeighbours, type LineageNeighbours } from './neighbours.ts';
export { readLineage, type LineageDeps } from './lineage.ts';
