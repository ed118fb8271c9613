import { describe, expect, it } from 'vitest';
import type { ProcessorDefinitionInput } from '@tributary/contracts';
import { compileProcessor } from './compile-processor.ts';
import { processorEventOf } from './processor-event.ts';
import { testEvent, testRuntime } from './test-events.ts';
import type { CompiledProcessor } from './types.ts';

function compile(d: ProcessorDefinitionInput): CompiledProcessor {
  const r = compileProcessor(d, { piiSecret: 'secret' });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.processor;
}

describe('runBatch', () => {
  const processor = compile({
    inputs: {},
    steps: [
      { id: 'not_free', kind: 'filter', expression: 'data.plan != "free"' },
      { id: 'once', kind: 'dedupe', key: 'event_id', windowSeconds: 3600 },
      { id: 'ua', kind: 'enrich_ua' },
      { id: 'geo', kind: 'enrich_geo' },
      { id: 'pii', kind: 'pii_hash', fields: ['data.email'] },
      {
        id: 'agg',
        kind: 'aggregate',
        window: { type: 'tumbling', sizeSeconds: 60 },
        graceSeconds: 0,
        groupBy: [{ name: 'country', field: 'derived.geo.country' }],
        measures: [
          { name: 'n', fn: 'count' },
          { name: 'total', fn: 'sum', field: 'data.amount' },
        ],
      },
    ],
    output: { kind: 'aggregate', table: 'by_country' },
  });

  it('keeps order, stops each event at the step that drops or dead-letters it, and counts per step', async () => {
    const events = [
      testEvent({ event_id: 'a' }),
      testEvent({ event_id: 'b', data: { plan: 'free' } }),
      testEvent({ event_id: 'a' }),
      testEvent({ event_id: 'c', data: { plan: 'pro', amount: 'lots' } }),
      testEvent({ event_id: 'd', metadata: { ip: '81.2.69.160' } }),
    ];
    const before = JSON.stringify(events);
    const watermark = { eventTimeMs: 0 };
    const out = await processor.runBatch(events, testRuntime({ watermark, measure: true }));
    expect(out.results.map((r) => r.kind)).toEqual(['ok', 'drop', 'drop', 'dead_letter', 'ok']);
    expect(out.results[3]).toMatchObject({
      code: 'processor_error',
      reason: expect.stringContaining('step agg'),
    });
    expect(out.contributions.map((c) => [c.eventIndex, c.groups.country, c.values.total])).toEqual([
      [0, 'US', 12.5],
      [4, 'GB', 12.5],
    ]);
    expect(out.steps.map((s) => [s.id, s.in, s.kept, s.dropped, s.deadLettered])).toEqual([
      ['not_free', 5, 4, 1, 0],
      ['once', 4, 3, 1, 0],
      ['ua', 3, 3, 0, 0],
      ['geo', 3, 3, 0, 0],
      ['pii', 3, 3, 0, 0],
      ['agg', 3, 2, 0, 1],
    ]);
    expect(out.steps.every((s) => s.micros >= 0)).toBe(true);
    expect(watermark.eventTimeMs).toBe(Date.parse(events[0]!.timestamp));
    expect(JSON.stringify(events)).toBe(before);
  });

  it('survives hostile event shapes without throwing', async () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "plan": "pro", "amount": 1}') as Record<
      string,
      unknown
    >;
    const out = await processor.runBatch(
      [
        testEvent({ event_id: 'h1', data: hostile }),
        testEvent({ event_id: 'h2', metadata: { ip: 42, user_agent: { x: 1 } } }),
        testEvent({ event_id: 'h3', timestamp: 'garbage' }),
      ],
      testRuntime(),
    );
    expect(out.results.map((r) => r.kind)).toEqual(['ok', 'ok', 'dead_letter']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('takes events from envelopes with an empty derived', () => {
    const e = processorEventOf({
      event_id: 'x',
      event_type: 't',
      source: 's',
      timestamp: '2026-12-01T00:00:00.000Z',
      user_id: null,
      received_at: '2026-12-01T00:00:00.000Z',
      data: { a: 1 },
      metadata: {},
    });
    expect(e.derived).toEqual({});
    expect(e.data).toEqual({ a: 1 });
  });
});
