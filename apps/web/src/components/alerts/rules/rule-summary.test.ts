import { alertRuleSchema } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { conditionSummary, querySummary, stateCounts } from './rule-summary.ts';

const base = {
  name: 'r',
  title: 'R',
  condition: { kind: 'threshold', op: 'above', threshold: 60, recovery: 30 },
};

describe('rule summaries', () => {
  it('names a signal and a panel query', () => {
    expect(
      querySummary(
        alertRuleSchema.parse({ ...base, query: { kind: 'signal', signal: { kind: 'consumer_lag' } } }),
      ),
    ).toBe('signal: consumer lag');
    const panel = alertRuleSchema.parse({
      ...base,
      query: {
        kind: 'panel',
        query: {
          source: { kind: 'events' },
          measure: { fn: 'sum', field: 'data.amount' },
          groupBy: ['source'],
          interval: 60,
        },
        reduce: 'avg',
      },
    });
    expect(querySummary(panel)).toBe(
      'panel: sum of data.amount of all events by source (avg over the window)',
    );
  });

  it('puts the condition and its timings in one line', () => {
    const rule = alertRuleSchema.parse({
      ...base,
      query: { kind: 'signal', signal: { kind: 'consumer_lag' } },
      pendingSeconds: 120,
    });
    expect(conditionSummary(rule)).toBe('above 60 (recovers at or below 30) · every 1m over 5m · pending 2m');
  });

  it('counts a rule’s instances per state', () => {
    expect(
      stateCounts(
        [
          { rule: 'a', state: 'firing' },
          { rule: 'a', state: 'firing' },
          { rule: 'a', state: 'pending' },
          { rule: 'b', state: 'firing' },
        ],
        'a',
      ),
    ).toEqual({ firing: 2, pending: 1 });
  });
});
