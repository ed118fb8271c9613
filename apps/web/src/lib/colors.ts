// Distinguishable on white and for the common colour-vision deficiencies (Okabe–Ito based).
const palette = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#7F7F7F', '#332288', '#882255'];

export function seriesColor(index: number): string {
  return palette[index % palette.length] ?? '#7F7F7F';
}
