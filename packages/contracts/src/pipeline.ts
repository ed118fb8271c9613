/** Stages counted in tributary.pipeline_metrics and shown on the Pipeline page. */
export const pipelineStages = [
  'received',
  'accepted',
  'rejected',
  'processed',
  'deduplicated',
  'inserted',
  'dead_lettered',
] as const;
export type PipelineStage = (typeof pipelineStages)[number];
