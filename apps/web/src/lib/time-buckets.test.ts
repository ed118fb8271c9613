import { describe, expect, it } from 'vitest';
import { alignDown, bucketStarts, fillSeries } from './time-buckets.ts';

const MIN = 60_000;
const base = Date.UTC(2025, 0, 1, 12, 0, 0);

describe('bucketStarts', () => {
  it('aligns both ends down and includes the last bucket', () => {
    expect(bucketStarts(base + 5_000, base + 2 * MIN + 59_000, MIN)).toEqual([
      base,
      base + MIN,
      base + 2 * MIN,
    ]);
  });

  it('rejects a non-positive step', () => {
    expect(() => bucketStarts(0, 1, 0)).toThrow(RangeError);
  });
});

describe('fillSeries', () => {
  it('fills missing minutes with zero for every key', () => {
    const s = fillSeries(
      [
        { t: base, key: 'click', value: 2 },
        { t: base + 2 * MIN, key: 'view', value: 5 },
      ],
      base,
      base + 3 * MIN,
      MIN,
    );
    expect(s.keys).toEqual(['view', 'click']);
    expect(s.points).toEqual([
      { t: base, values: { view: 0, click: 2 } },
      { t: base + MIN, values: { view: 0, click: 0 } },
      { t: base + 2 * MIN, values: { view: 5, click: 0 } },
      { t: base + 3 * MIN, values: { view: 0, click: 0 } },
    ]);
  });

  it('adds up unmerged rows of one bucket and ignores rows outside the range', () => {
    const s = fillSeries(
      [
        { t: base + MIN, key: 'a', value: 1 },
        { t: base + MIN + 30_000, key: 'a', value: 2 },
        { t: base - MIN, key: 'old', value: 100 },
        { t: base + 10 * MIN, key: 'future', value: 100 },
      ],
      base,
      base + MIN,
      MIN,
    );
    expect(s.keys).toEqual(['a']);
    expect(s.points.map((p) => p.values.a)).toEqual([0, 3]);
  });

  it('orders keys by total, then by name', () => {
    const s = fillSeries(
      [
        { t: base, key: 'b', value: 1 },
        { t: base, key: 'a', value: 1 },
        { t: base, key: 'c', value: 3 },
      ],
      base,
      base,
      MIN,
    );
    expect(s.keys).toEqual(['c', 'a', 'b']);
  });

  it('gives empty keys but full buckets when there is no data', () => {
    const s = fillSeries([], base, base + 59 * MIN, MIN);
    expect(s.keys).toEqual([]);
    expect(s.points).toHaveLength(60);
    expect(alignDown(base + 59_999, MIN)).toBe(base);
  });
});
