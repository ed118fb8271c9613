import { describe, expect, it } from 'vitest';
import type { TransformOp } from '@tributary/contracts';
import { compileExpression, type CompiledExpression } from '../expressions.ts';
import { testEvent, testRuntime } from '../test-events.ts';
import { transformStep } from './transform.ts';

const ctx = { rt: testRuntime(), indices: [0], contributions: [], watermark: { eventTimeMs: 0 } };
async function apply(ops: TransformOp[], event = testEvent()) {
  const exprs = new Map<number, CompiledExpression>();
  ops.forEach((op, i) => {
    if (op.op === 'set' || op.op === 'default') {
      const c = compileExpression(op.expression);
      if (!c.ok) throw new Error(c.message);
      exprs.set(i, c.expression);
    }
  });
  const [r] = await transformStep({ id: 't', kind: 'transform', ops }, exprs).run([event], ctx);
  return r!;
}

describe('transform step', () => {
  it('sets, renames, removes, casts and defaults in order, without touching the input', async () => {
    const input = testEvent({ data: { plan: 'pro', amount: '12.5', old: 1, flag: 'true' } });
    const before = JSON.stringify(input);
    const r = await apply(
      [
        { op: 'set', field: 'derived.big', expression: 'data.plan == "pro"' },
        { op: 'rename', from: 'data.old', to: 'data.renamed' },
        { op: 'remove', field: 'data.plan' },
        { op: 'cast', field: 'data.amount', to: 'number' },
        { op: 'cast', field: 'data.flag', to: 'boolean' },
        { op: 'default', field: 'data.currency', expression: '"EUR"' },
        { op: 'default', field: 'data.amount', expression: '0' },
        { op: 'set', field: 'derived.double', expression: 'data.amount * 2' },
      ],
      input,
    );
    expect(r).toMatchObject({
      kind: 'ok',
      event: {
        data: { amount: 12.5, renamed: 1, flag: true, currency: 'EUR' },
        derived: { big: true, double: 25 },
      },
    });
    expect(r.kind === 'ok' && 'plan' in r.event.data).toBe(false);
    expect(JSON.stringify(input)).toBe(before);
  });

  it('casts to string and timestamp, and leaves absent fields absent', async () => {
    const r = await apply(
      [
        { op: 'cast', field: 'data.n', to: 'string' },
        { op: 'cast', field: 'data.at', to: 'timestamp' },
        { op: 'cast', field: 'data.absent', to: 'number' },
        { op: 'rename', from: 'data.absent', to: 'data.other' },
      ],
      testEvent({ data: { n: 3, at: 0 } }),
    );
    expect(r).toMatchObject({ kind: 'ok', event: { data: { n: '3', at: '1970-01-01T00:00:00.000Z' } } });
    expect(r.kind === 'ok' && Object.keys(r.event.data)).toEqual(['n', 'at']);
  });

  it('dead-letters a failed cast or expression', async () => {
    expect(await apply([{ op: 'cast', field: 'data.plan', to: 'number' }])).toEqual({
      kind: 'dead_letter',
      code: 'processor_error',
      reason: 'step t: cast data.plan: cannot cast "pro" to number',
    });
    expect(await apply([{ op: 'set', field: 'derived.x', expression: 'data.nope' }])).toMatchObject({
      kind: 'dead_letter',
      reason: 'step t: set derived.x: No such key: nope',
    });
    expect(await apply([{ op: 'set', field: 'data.plan.tier', expression: '1' }])).toMatchObject({
      kind: 'dead_letter',
      reason: expect.stringContaining('data.plan is not an object'),
    });
  });
});
