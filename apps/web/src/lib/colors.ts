// Distinguishable on white and for the common colour-vision deficiencies (Okabe–Ito based).
const palette = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#332288',
  '#882255',
  '#7F7F7F',
  '#B8A800',
];

export function seriesColor(index: number): string {
  return palette[index % palette.length] ?? '#7F7F7F';
}

/** Fixed stage colours: failures warm, the good path cool, so the chart reads at a glance. */
export const stageColors: Record<string, string> = {
  received: '#0072B2',
  accepted: '#56B4E9',
  rejected: '#E69F00',
  processed: '#332288',
  deduplicated: '#7F7F7F',
  inserted: '#009E73',
  dead_lettered: '#D55E00',
};

/** Dead letters by the stage that failed them: all warm (they are failures), told apart by hue. */
export const deadLetterStageColors: Record<string, string> = {
  ingest: '#E69F00',
  worker: '#D55E00',
  sink: '#882255',
};
