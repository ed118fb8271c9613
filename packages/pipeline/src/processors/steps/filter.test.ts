import { describe, expect, it } from 'vitest';
import { compileExpression } from '../expressions.ts';
import { testEvent, testRuntime } from '../test-events.ts';
import { filterStep } from './filter.ts';

const ctx = { rt: testRuntime(), indices: [0, 1, 2], contributions: [], watermark: { eventTimeMs: 0 } };
const make = (expression: string) => {
  const c = compileExpression(expression);
  if (!c.ok) throw new Error(c.message);
  return filterStep({ id: 'f', kind: 'filter', expression }, c.expression);
};

describe('filter step', () => {
  it('keeps true, drops false', async () => {
    const step = make('data.plan == "pro"');
    const out = await step.run([testEvent(), testEvent({ data: { plan: 'free' } })], ctx);
    expect(out[0]).toMatchObject({ kind: 'ok' });
    expect(out[1]).toEqual({ kind: 'drop', reason: 'filter f: false' });
  });

  it('dead-letters an evaluation error (a missing key) and a non-boolean result', async () => {
    const out = await make('data.tier > 1').run([testEvent()], ctx);
    expect(out[0]).toEqual({
      kind: 'dead_letter',
      code: 'processor_error',
      reason: 'step f: No such key: tier',
    });
    const guarded = await make('has(data.tier) && data.tier > 1').run([testEvent()], ctx);
    expect(guarded[0]).toMatchObject({ kind: 'drop' });
    const notBool = await make('data.plan').run([testEvent()], ctx);
    expect(notBool[0]).toMatchObject({
      kind: 'dead_letter',
      reason: 'step f: the filter gave "pro", not true or false',
    });
  });
});
