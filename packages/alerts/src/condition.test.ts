import type { AlertCondition } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { anomalyBand, judge } from './condition.ts';

const above: AlertCondition = { kind: 'threshold', op: 'above', threshold: 10, recovery: 8 };

describe('judge', () => {
  it('applies the recovery threshold only to an active instance', () => {
    expect(judge(above, 11, false).kind).toBe('breach');
    expect(judge(above, 9, false).kind).toBe('clear');
    expect(judge(above, 9, true).kind).toBe('breach');
    expect(judge(above, 8, true).kind).toBe('clear');
    const below: AlertCondition = { kind: 'threshold', op: 'below', threshold: 1, recovery: 5 };
    expect(judge(below, 0, false).kind).toBe('breach');
    expect(judge(below, 3, true)).toEqual({
      kind: 'breach',
      reason: '3 has not risen to the recovery threshold 5',
    });
    expect(judge(below, 5, true).kind).toBe('clear');
  });

  it('judges ranges with a recovery range', () => {
    const c: AlertCondition = { kind: 'outside_range', low: 0, high: 100, recoveryLow: 10, recoveryHigh: 90 };
    expect(judge(c, 101, false).kind).toBe('breach');
    expect(judge(c, 95, false).kind).toBe('clear');
    expect(judge(c, 95, true).kind).toBe('breach');
    expect(judge(c, 50, true).kind).toBe('clear');
    expect(judge(c, -1, false).kind).toBe('breach');
  });

  it('draws the anomaly band from median and scaled MAD', () => {
    const c: AlertCondition = {
      kind: 'anomaly',
      direction: 'both',
      multiplier: 3,
      recoveryMultiplier: 1.5,
      minDeviation: 0,
      minSamples: 4,
    };
    const baseline = { median: 100, mad: 10, samples: 8 };
    const band = anomalyBand(c, baseline);
    expect(band.low).toBeCloseTo(100 - 44.478, 6);
    expect(band.high).toBeCloseTo(144.478, 6);
    expect(judge(c, 150, false, baseline).kind).toBe('breach');
    expect(judge(c, 140, false, baseline).kind).toBe('clear');
    // Recovery band: ±22.239.
    expect(judge(c, 125, true, baseline).kind).toBe('breach');
    expect(judge(c, 120, true, baseline).kind).toBe('clear');
    expect(judge({ ...c, direction: 'above' }, 40, false, baseline).kind).toBe('clear');
    expect(judge(c, 1, false, { median: 1, mad: 0, samples: 2 }).kind).toBe('no_baseline');
    // A flat history: MAD 0, the least deviation keeps the band open.
    expect(judge({ ...c, minDeviation: 5 }, 104, false, { median: 100, mad: 0, samples: 10 }).kind).toBe(
      'clear',
    );
    expect(judge(c, 101, false, { median: 100, mad: 0, samples: 10 }).kind).toBe('breach');
  });
});
