import { describe, expect, it } from 'vitest';
import { ThroughputTracker } from './throughput.ts';

describe('ThroughputTracker', () => {
  it('has no rate from one sample, then messages/s over the span between two', () => {
    const t = new ThroughputTracker();
    expect(t.observe('a', 100, 0)).toBeNull();
    expect(t.observe('a', 150, 1_000)).toBeNull(); // under 3 s: too short to say
    expect(t.observe('a', 600, 5_000)).toBe(100);
  });
  it('starts over when the total drops (topic recreated) and forgets old samples', () => {
    const t = new ThroughputTracker();
    t.observe('a', 1000, 0);
    expect(t.observe('a', 10, 5_000)).toBeNull();
    expect(t.observe('a', 60, 10_000)).toBe(10);
    expect(t.observe('a', 70, 500_000)).toBeNull();
  });
});
