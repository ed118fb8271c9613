export { planPanelQuery, type PanelPlan, type PanelSource, type PlanOptions } from './plan.ts';
export {
  runPanelQuery,
  type PanelPoint,
  type PanelResult,
  type PanelSeries,
  type RunPanelOptions,
} from './run.ts';
