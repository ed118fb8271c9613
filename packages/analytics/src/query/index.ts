export {
  planPanelQuery,
  processorFieldProblem,
  type PanelPlan,
  type PanelSource,
  type PlanOptions,
  type ProcessorTable,
} from './plan.ts';
export {
  runPanelQuery,
  type PanelPoint,
  type PanelResult,
  type PanelSeries,
  type RunPanelOptions,
} from './run.ts';
export { columnFields, dataFields, schemaFields, type FieldType, type SchemaField } from './schema-fields.ts';
export { variableValues, VARIABLE_VALUES_LIMIT } from './variable-values.ts';
