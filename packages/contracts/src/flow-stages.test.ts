import { describe, expect, it } from 'vitest';
import {
  type FlowCounter,
  addPerSource,
  latencyBucket,
  latencyStage,
  quantileOfBuckets,
  splitFlowStage,
} from './flow-stages.ts';

function recorder(): FlowCounter & { counts: Map<string, number> } {
  const counts = new Map<string, number>();
  return {
    counts,
    add: (stage, n = 1) => void counts.set(stage, (counts.get(stage) ?? 0) + n),
  };
}

describe('flow stages', () => {
  it('counts per source and per latency bucket', () => {
    const stages = recorder();
    const items = [
      { s: 'web', ms: 10 },
      { s: 'web', ms: 50 },
      { s: 'web', ms: 51 },
      { s: 'a:b', ms: 90_000 },
    ];
    addPerSource(stages, items, (i) => i.s, 'received');
    // As the workers count them: one event into its source's latency bucket.
    for (const i of items) stages.add(latencyStage(i.s, latencyBucket(i.ms)));
    expect(Object.fromEntries(stages.counts)).toEqual({
      'source:web:received': 3,
      'source:a:b:received': 1,
      'latency:web:50': 2,
      'latency:web:100': 1,
      'latency:a:b:inf': 1,
    });
  });

  it('splits a stage at its first and last colon, so a name may hold colons', () => {
    expect(splitFlowStage('source:a:b:received')).toEqual({ kind: 'source', name: 'a:b', part: 'received' });
    expect(splitFlowStage('latency:web:inf')).toEqual({ kind: 'latency', name: 'web', part: 'inf' });
    expect(splitFlowStage('received')).toBeUndefined();
    expect(splitFlowStage('source::x')).toBeUndefined();
  });

  it('reads a quantile as the bound of the bucket it falls in', () => {
    expect(latencyBucket(0)).toBe(50);
    expect(latencyBucket(60_000)).toBe(60_000);
    expect(latencyBucket(60_001)).toBe('inf');
    const counts = new Map<number | 'inf', number>([
      [50, 90],
      [250, 5],
      [1000, 4],
      ['inf', 1],
    ]);
    expect(quantileOfBuckets(counts, 0.5)).toBe(50);
    expect(quantileOfBuckets(counts, 0.95)).toBe(250);
    expect(quantileOfBuckets(counts, 0.99)).toBe(1000);
    expect(quantileOfBuckets(counts, 1)).toBe('inf');
    expect(quantileOfBuckets(new Map(), 0.95)).toBeNull();
  });
});
