import { describe, expect, it } from 'vitest';
import { backtestSummary, conditionLines, groupName, type BacktestView } from './backtest-view.ts';

describe('conditionLines', () => {
  it('draws a threshold and a recovery that differs from it', () => {
    expect(conditionLines({ kind: 'threshold', op: 'above', threshold: 50, recovery: 20 })).toEqual([
      { y: 50, label: 'threshold 50', kind: 'fire' },
      { y: 20, label: 'recovers at 20', kind: 'recover' },
    ]);
    expect(conditionLines({ kind: 'threshold', op: 'below', threshold: 1, recovery: 1 })).toHaveLength(1);
  });

  it('draws both ends of a range and no line for an anomaly band', () => {
    expect(
      conditionLines({ kind: 'outside_range', low: 1, high: 9, recoveryHigh: 8 }).map((l) => l.y),
    ).toEqual([1, 9, 8]);
    expect(
      conditionLines({ kind: 'anomaly', direction: 'both', multiplier: 3, minDeviation: 0, minSamples: 8 }),
    ).toEqual([]);
  });
});

describe('backtestSummary', () => {
  const result = { fired: 1, firingsTotal: 1, evaluations: 2016, changes: 2 } as BacktestView;
  it('says how often the rule would have fired', () => {
    expect(backtestSummary(result, 7)).toBe(
      'Would have fired 1 time in the last 7 days (2,016 evaluations, 2 state changes)',
    );
    expect(backtestSummary({ ...result, fired: 3, firingsTotal: 4 }, 1)).toBe(
      'Would have fired 3 times in the last 1 day (2,016 evaluations, 2 state changes, 1 stretch without data or failing)',
    );
  });
  it('names groups', () => {
    expect(groupName({})).toBe('all');
    expect(groupName({ source: 'web', plan: 'pro' })).toBe('source=web, plan=pro');
  });
});
