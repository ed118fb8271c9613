import { performance } from 'node:perf_hooks';

export interface Timing {
  name: string;
  runs: number;
  /** The untimed warm-up call: what the first person to ask sees. */
  first: number;
  p50: number;
  p95: number;
  max: number;
  /** Something the query returned, to show it did real work (rows, groups, total). */
  note: string;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** One warm-up call (reported as `first`, not in the percentiles), then `runs` timed calls in turn. */
export async function timeIt(
  name: string,
  runs: number,
  fn: (run: number) => Promise<string>,
): Promise<Timing> {
  const f0 = performance.now();
  await fn(0);
  const first = performance.now() - f0;
  const ms: number[] = [];
  let note = '';
  for (let i = 1; i <= runs; i++) {
    const t0 = performance.now();
    note = await fn(i);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { name, runs, first, p50: percentile(ms, 50), p95: percentile(ms, 95), max: ms.at(-1)!, note };
}

export function formatTimings(rows: Timing[], targetMs: number): string {
  const w = Math.max(40, ...rows.map((r) => r.name.length));
  const head = `  ${'query'.padEnd(w)} ${'first'.padStart(6)} ${'p50'.padStart(6)} ${'p95'.padStart(6)} ${'max'.padStart(6)}  ms; p95 ≤ ${targetMs} ms?`;
  const ms = (v: number) => v.toFixed(0).padStart(6);
  const lines = rows.map(
    (r) =>
      `  ${r.name.padEnd(w)} ${ms(r.first)} ${ms(r.p50)} ${ms(r.p95)} ${ms(r.max)}  ${r.p95 <= targetMs ? 'PASS' : 'MISS'}  ${r.note}`,
  );
  return [head, ...lines].join('\n');
}
