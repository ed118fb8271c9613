import { panelFieldMeasureFns } from '@tributary/contracts';

/** Every builder measure, in the order the panel builder and the rule editor offer them. */
export const PANEL_MEASURES = ['count', 'unique_users', 'uniq', ...panelFieldMeasureFns] as const;
export type PanelMeasure = (typeof PANEL_MEASURES)[number];

/** How a measure reads in a picker. */
export const MEASURE_LABELS: Record<PanelMeasure, string> = {
  count: 'count of events',
  unique_users: 'unique users',
  uniq: 'distinct values of a field',
  sum: 'sum of a field',
  avg: 'average of a field',
  min: 'minimum of a field',
  max: 'maximum of a field',
  p50: 'median (p50) of a field',
  p95: 'p95 of a field',
  p99: 'p99 of a field',
};
