import { describe, expect, it } from 'vitest';
import type { ProcessorDefinitionInput } from '@tributary/contracts';
import { compileProcessor } from './compile-processor.ts';
import { parseLookupCsv } from './lookup-csv.ts';
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

describe('runBatch with a lookup table and later transforms', () => {
  it('uses the table version it was compiled with (a new version = a recompile), and copies frozen enrichments on write', async () => {
    const tableV = (v: number, tier: string) => {
      const r = parseLookupCsv('plans', v, `code,tier\npro,${tier}\n`, 'code');
      if (!r.ok) throw new Error('csv');
      return r.table;
    };
    const d = {
      inputs: {},
      steps: [
        { id: 'ua', kind: 'enrich_ua' },
        { id: 'plan', kind: 'enrich_lookup', table: 'plans', key: 'data.plan', to: 'derived.plan' },
        {
          id: 't',
          kind: 'transform',
          ops: [{ op: 'set', field: 'derived.ua.browser', expression: '"x" + derived.plan.tier' }],
        },
      ],
      output: { kind: 'events' },
    };
    const run = async (v: number, tier: string) => {
      const c = compileProcessor(d, { lookupTables: new Map([['plans', tableV(v, tier)]]) });
      if (!c.ok) throw new Error(JSON.stringify(c.errors));
      const [r] = (await c.processor.runBatch([testEvent()], testRuntime())).results;
      return r!.kind === 'ok' ? r!.event.derived : undefined;
    };
    expect(await run(1, 'gold')).toMatchObject({
      plan: { tier: 'gold' },
      ua: { browser: 'xgold', os: 'Windows' },
    });
    expect(await run(2, 'silver')).toMatchObject({ plan: { tier: 'silver' }, ua: { browser: 'xsilver' } });
  });
});

describe('runBatch with hopping windows near the watermark', () => {
  it('contributes to the windows still open and dead-letters only when all are closed', async () => {
    const p = compile({
      inputs: {},
      steps: [
        {
          id: 'agg',
          kind: 'aggregate',
          window: { type: 'hopping', sizeSeconds: 60, hopSeconds: 30 },
          graceSeconds: 0,
          measures: [{ name: 'n', fn: 'count' }],
        },
      ],
      output: { kind: 'aggregate', table: 'hops' },
    });
    const watermark = { eventTimeMs: Date.parse('2026-12-01T10:01:10Z') };
    const out = await p.runBatch(
      [
        testEvent({ event_id: 'a', timestamp: '2026-12-01T10:00:45Z' }), // [10:00:00, 10:01) closed, [10:00:30, 10:01:30) open
        testEvent({ event_id: 'b', timestamp: '2026-12-01T10:00:20Z' }), // [09:59:30, 10:00:30) and [10:00, 10:01): both closed
      ],
      testRuntime({ watermark }),
    );
    expect(out.results.map((r) => r.kind)).toEqual(['ok', 'dead_letter']);
    expect(out.results[1]).toMatchObject({ code: 'late_event' });
    expect(out.contributions.map((c) => new Date(c.windowStart).toISOString())).toEqual([
      '2026-12-01T10:00:30.000Z',
    ]);
  });
});
