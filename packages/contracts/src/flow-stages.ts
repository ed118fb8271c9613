/**
 * Per-source breakdowns of the pipeline counters, flushed to pipeline_metrics beside the totals
 * (so a lineage edge's figure and the Pipeline page's stage count come from the same rows):
 *
 * - `source:<name>:<received|accepted|rejected|inserted>`: events of one source at one stage;
 * - `latency:<name>:<le>`: events of one source stored within `le` ms of their ingest request
 *   (non-cumulative histogram buckets; `le` is a bound of FLOW_LATENCY_BUCKETS_MS or `inf`).
 *
 * A source name may hold any character but its breakdown ends at the last ':', which is how
 * readers split it. The breakdown stages all contain ':'; the Pipeline page's totals do not.
 */
/** What counts: the services' stage counters (telemetry's StageCounter) fit. */
export interface FlowCounter {
  add(stage: string, n?: number): void;
}

export const SOURCE_RESULTS = ['received', 'accepted', 'rejected', 'inserted'] as const;
export type SourceResult = (typeof SOURCE_RESULTS)[number];

/** Upper bounds (ms) of the latency buckets; a bucket holds (previous bound, bound]. */
export const FLOW_LATENCY_BUCKETS_MS = [50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000] as const;

export function sourceStage(source: string, result: SourceResult): string {
  return `source:${source}:${result}`;
}

export function latencyStage(source: string, bound: number | 'inf'): string {
  return `latency:${source}:${bound}`;
}

/** The bucket bound a latency falls in. */
export function latencyBucket(ms: number): number | 'inf' {
  for (const b of FLOW_LATENCY_BUCKETS_MS) if (ms <= b) return b;
  return 'inf';
}

/** Adds one count per source, from a list of items and how to read each item's source. */
export function addPerSource<T>(
  stages: FlowCounter,
  items: readonly T[],
  sourceOf: (item: T) => string,
  result: SourceResult,
): void {
  for (const [source, n] of tally(items, sourceOf)) stages.add(sourceStage(source, result), n);
}

function tally<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const key = keyOf(item);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Splits `<kind>:<name>:<part>` (name may contain ':'); undefined for other stages. */
export function splitFlowStage(stage: string): { kind: string; name: string; part: string } | undefined {
  const first = stage.indexOf(':');
  const last = stage.lastIndexOf(':');
  if (first <= 0 || last <= first + 1 || last === stage.length - 1) return undefined;
  return { kind: stage.slice(0, first), name: stage.slice(first + 1, last), part: stage.slice(last + 1) };
}

/**
 * A quantile from non-cumulative bucket counts, as the upper bound of the bucket it falls in
 * (no interpolation: "p95 ≤ 250 ms"); 'inf' when it lies past the last bound. Null without counts.
 */
export function quantileOfBuckets(
  counts: ReadonlyMap<number | 'inf', number>,
  q: number,
): number | 'inf' | null {
  const bounds = [...FLOW_LATENCY_BUCKETS_MS, 'inf' as const];
  const total = bounds.reduce((s, b) => s + (counts.get(b) ?? 0), 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (const b of bounds) {
    seen += counts.get(b) ?? 0;
    if (seen >= rank) return b;
  }
  return 'inf';
}
