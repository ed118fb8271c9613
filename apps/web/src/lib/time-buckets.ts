/** One point of a time series: bucket start (epoch ms) and a value per series key. */
export interface SeriesPoint {
  t: number;
  values: Record<string, number>;
}

export interface Series {
  /** Series keys, largest total first, so the biggest stack sits at the bottom of a chart. */
  keys: string[];
  points: SeriesPoint[];
}

export interface SeriesRow {
  t: number;
  key: string;
  value: number;
}

export function alignDown(t: number, stepMs: number): number {
  return Math.floor(t / stepMs) * stepMs;
}

/** Bucket starts from `from` to `to` inclusive, both aligned down to `stepMs`. */
export function bucketStarts(from: number, to: number, stepMs: number): number[] {
  if (!(stepMs > 0)) throw new RangeError(`stepMs must be positive, got ${stepMs}`);
  const out: number[] = [];
  for (let t = alignDown(from, stepMs); t <= alignDown(to, stepMs); t += stepMs) out.push(t);
  return out;
}

/**
 * Dense series from sparse aggregate rows: every bucket in [from, to] appears and every key has
 * a value in every bucket (0 where the database had no row), so charts show gaps as zero
 * instead of interpolating across them.
 */
export function fillSeries(rows: readonly SeriesRow[], from: number, to: number, stepMs: number): Series {
  const starts = bucketStarts(from, to, stepMs);
  const first = starts[0];
  const totals = new Map<string, number>();
  const byBucket = new Map<number, Map<string, number>>();
  for (const row of rows) {
    const t = alignDown(row.t, stepMs);
    if (first === undefined || t < first || t > alignDown(to, stepMs)) continue;
    totals.set(row.key, (totals.get(row.key) ?? 0) + row.value);
    const bucket = byBucket.get(t) ?? new Map<string, number>();
    bucket.set(row.key, (bucket.get(row.key) ?? 0) + row.value);
    byBucket.set(t, bucket);
  }
  const keys = [...totals.entries()]
    .sort(([ka, a], [kb, b]) => b - a || ka.localeCompare(kb))
    .map(([key]) => key);
  const points = starts.map((t) => {
    const bucket = byBucket.get(t);
    const values: Record<string, number> = {};
    for (const key of keys) values[key] = bucket?.get(key) ?? 0;
    return { t, values };
  });
  return { keys, points };
}
