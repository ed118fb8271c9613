import { alertRuleSchema } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { evaluatedSeries, thinPoints } from './series.ts';

const rule = alertRuleSchema.parse({
  name: 'lag',
  title: 'Lag',
  query: { kind: 'signal', signal: { kind: 'consumer_lag' } },
  condition: { kind: 'threshold', op: 'above', threshold: 10 },
});

describe('thinPoints', () => {
  it('keeps short series as they are', () => {
    const points = [1, 2, 3].map((v, t) => ({ t, v }));
    expect(thinPoints(points, 10)).toEqual(points);
  });

  it('keeps each stretch’s lowest and highest point, in time order, under the bound', () => {
    const points = Array.from({ length: 10_000 }, (_, t) => ({ t, v: t === 4321 ? 999 : t % 7 }));
    const thin = thinPoints(points, 2000);
    expect(thin.length).toBeLessThanOrEqual(2000);
    expect(thin.some((p) => p.v === 999)).toBe(true);
    expect(thin.map((p) => p.t)).toEqual([...thin.map((p) => p.t)].sort((a, b) => a - b));
  });
});

describe('evaluatedSeries', () => {
  const at = (t: number, values: Array<[string, number]>) => ({
    t,
    outcome: {
      kind: 'values' as const,
      values: values.map(([group, value]) => ({ labels: { group }, value })),
      absentIsZero: true,
    },
  });

  it('puts the groups that fired first, bounds the number of series and counts empty evaluations', () => {
    const outcomes = [
      at(1, [
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ]),
      at(2, [
        ['a', 1],
        ['b', 2],
      ]),
      { t: 3, outcome: { kind: 'no_data' as const } },
      at(4, []),
    ];
    const fired = new Set([JSON.stringify([['group', 'c']])]);
    const out = evaluatedSeries(rule, outcomes, fired, { maxSeries: 2 });
    expect(out.groups).toBe(3);
    expect(out.noDataEvaluations).toBe(2);
    expect(out.series.map((s) => s.labels.group)).toEqual(['c', 'a']);
    expect(out.series[1]).toMatchObject({
      evaluated: 2,
      points: [
        { t: 1, v: 1 },
        { t: 2, v: 1 },
      ],
    });
  });

  it('draws the anomaly band an evaluation was judged against', () => {
    const anomaly = alertRuleSchema.parse({
      ...rule,
      condition: { kind: 'anomaly', multiplier: 2, minSamples: 2 },
    });
    const outcomes = [
      {
        t: 1,
        outcome: {
          kind: 'values' as const,
          values: [{ labels: {}, value: 5, baseline: { median: 10, mad: 1, samples: 4 } }],
          absentIsZero: false,
        },
      },
    ];
    const [s] = evaluatedSeries(anomaly, outcomes, new Set()).series;
    expect(s!.points[0]!.low).toBeCloseTo(10 - 2 * 1.4826);
    expect(s!.points[0]!.high).toBeCloseTo(10 + 2 * 1.4826);
  });
});
