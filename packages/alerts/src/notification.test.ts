import { alertRuleSchema, type AlertRuleInput } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { lineageNodeOf, summarizeCondition } from './notification.ts';

const threshold = { kind: 'threshold', op: 'above', threshold: 1 } as const;
const signalRule = (signal: Record<string, unknown>) =>
  alertRuleSchema.parse({
    name: 'r',
    title: 'R',
    query: { kind: 'signal', signal },
    condition: threshold,
  } as AlertRuleInput);

describe('lineageNodeOf', () => {
  it('points each signal at the node of the lineage graph it is about', () => {
    expect(lineageNodeOf(signalRule({ kind: 'freshness' }), {})).toBe('table:events');
    expect(lineageNodeOf(signalRule({ kind: 'consumer_lag' }), { group: 'workers' })).toBe(
      'consumer:workers',
    );
    expect(
      lineageNodeOf(signalRule({ kind: 'dead_letter_rate', groupBy: ['stage'] }), { stage: 'ingest' }),
    ).toBe('ingest');
    expect(lineageNodeOf(signalRule({ kind: 'dead_letter_rate' }), {})).toBe('table:dead_letters');
    expect(lineageNodeOf(signalRule({ kind: 'ingest_rejects' }), { source: 'web' })).toBe('source:web');
    expect(
      lineageNodeOf(signalRule({ kind: 'source_silence', sources: ['ios'], minutes: 10 }), { source: 'ios' }),
    ).toBe('source:ios');
    expect(lineageNodeOf(signalRule({ kind: 'schema_violations' }), { event_type: 'purchase' })).toBe(
      'ingest',
    );
    expect(lineageNodeOf(signalRule({ kind: 'processor_drop_rate' }), { processor: 'geo' })).toBe(
      'processor:geo',
    );
  });

  it('a panel rule points at its panel, when it names one', () => {
    const panel = (extra: object) =>
      alertRuleSchema.parse({
        name: 'p',
        title: 'P',
        query: {
          kind: 'panel',
          query: {
            source: { kind: 'events' },
            measure: { fn: 'count' },
            interval: 60,
            range: { from: 0, to: 60_000 },
          },
          ...extra,
        },
        condition: threshold,
      });
    expect(lineageNodeOf(panel({ panel: { dashboard: 'sales', panelId: 'p1' } }), {})).toBe('panel:sales/p1');
    expect(lineageNodeOf(panel({}), {})).toBeNull();
  });
});

describe('summarizeCondition', () => {
  it('says ranges and anomaly bands in words, with no single threshold', () => {
    expect(
      summarizeCondition({ kind: 'outside_range', low: 1, high: 10, recoveryLow: 2, recoveryHigh: 9 }),
    ).toEqual({
      text: 'outside 1 to 10 (recovers inside 2 to 9)',
      threshold: null,
      recovery: null,
    });
    expect(
      summarizeCondition({
        kind: 'anomaly',
        direction: 'above',
        multiplier: 3,
        minDeviation: 0,
        minSamples: 8,
      }).text,
    ).toBe('above median ± 3 × 1.4826 × MAD of the same hour over the last 4 weeks');
    expect(summarizeCondition({ kind: 'threshold', op: 'below', threshold: 0.25 })).toEqual({
      text: 'below 0.25',
      threshold: 0.25,
      recovery: 0.25,
    });
  });
});
