import { describe, expect, it } from 'vitest';
import type { AggregateStep } from '@tributary/contracts';
import type { AggregateContribution } from '../types.ts';
import { testEvent, testRuntime } from '../test-events.ts';
import { aggregateStep } from './aggregate.ts';

const base: AggregateStep = {
  id: 'agg',
  kind: 'aggregate',
  window: { type: 'tumbling', sizeSeconds: 60 },
  graceSeconds: 10,
  groupBy: [{ name: 'plan', field: 'data.plan' }],
  measures: [
    { name: 'n', fn: 'count' },
    { name: 'total', fn: 'sum', field: 'data.amount' },
    { name: 'users', fn: 'uniq', field: 'user_id' },
  ],
};

async function run(
  step: AggregateStep,
  times: string[],
  watermark = { eventTimeMs: Number.NEGATIVE_INFINITY },
  data?: object,
) {
  const contributions: AggregateContribution[] = [];
  const events = times.map((timestamp) =>
    testEvent({ timestamp, ...(data ? { data: data as Record<string, unknown> } : {}) }),
  );
  const results = await aggregateStep(step).run(events, {
    rt: testRuntime(),
    indices: events.map((_, i) => i + 10),
    contributions,
    watermark,
  });
  return { results, contributions, watermark };
}

describe('aggregate step', () => {
  it('contributes groups as text and values per measure to the tumbling window', async () => {
    const { results, contributions } = await run(base, ['2026-12-01T10:00:30.000Z']);
    expect(results[0]).toMatchObject({ kind: 'ok' });
    expect(contributions).toEqual([
      {
        eventIndex: 10,
        windowStart: Date.parse('2026-12-01T10:00:00Z'),
        windowEnd: Date.parse('2026-12-01T10:01:00Z'),
        groups: { plan: 'pro' },
        values: { n: 1, total: 12.5, users: 'u1' },
      },
    ]);
  });

  it('assigns an event to every hopping window containing it', async () => {
    const step: AggregateStep = { ...base, window: { type: 'hopping', sizeSeconds: 60, hopSeconds: 30 } };
    const { contributions } = await run(step, ['2026-12-01T10:00:45.000Z']);
    expect(contributions.map((c) => new Date(c.windowStart).toISOString())).toEqual([
      '2026-12-01T10:00:00.000Z',
      '2026-12-01T10:00:30.000Z',
    ]);
  });

  it('dead-letters late events beyond grace, advancing the watermark event by event', async () => {
    const { results, watermark } = await run(base, [
      '2026-12-01T10:02:00.000Z', // watermark 10:02:00
      '2026-12-01T10:01:05.000Z', // window 10:01–10:02 closes 10:02:10: still open
      '2026-12-01T10:00:59.000Z', // window 10:00–10:01 closed at 10:01:10: late
    ]);
    expect(results.map((r) => r.kind)).toEqual(['ok', 'ok', 'dead_letter']);
    expect(results[2]).toEqual({
      kind: 'dead_letter',
      code: 'late_event',
      reason:
        'step agg: window [2026-12-01T10:00:00.000Z, 2026-12-01T10:01:00.000Z) closed at 2026-12-01T10:01:10.000Z (grace 10 s); watermark is 2026-12-01T10:02:00.000Z',
    });
    expect(watermark.eventTimeMs).toBe(Date.parse('2026-12-01T10:02:00Z'));
  });

  it('uses the watermark carried over from earlier batches', async () => {
    const { results } = await run(base, ['2026-12-01T10:00:00.000Z'], {
      eventTimeMs: Date.parse('2026-12-01T10:01:10Z'),
    });
    expect(results[0]).toMatchObject({ kind: 'dead_letter', code: 'late_event' });
  });

  it('dead-letters a non-numeric value and a bad timestamp; null values are passed as null', async () => {
    const bad = await run(base, ['2026-12-01T10:00:00.000Z'], undefined, { plan: 'pro', amount: '12' });
    expect(bad.results[0]).toMatchObject({
      kind: 'dead_letter',
      code: 'processor_error',
      reason: 'step agg: total (sum of data.amount) needs a number, got "12"',
    });
    const time = await run(base, ['yesterday']);
    expect(time.results[0]).toMatchObject({ kind: 'dead_letter', code: 'processor_error' });
    const absent = await run(base, ['2026-12-01T10:00:00.000Z'], undefined, {});
    expect(absent.contributions[0]).toMatchObject({ groups: { plan: '' }, values: { n: 1, total: null } });
  });
});
