import { describe, expect, it } from 'vitest';
import { checkExpression, compileExpression, MAX_EXPRESSION_LENGTH } from './expressions.ts';
import { testEvent } from './test-events.ts';

const run = (src: string, e = testEvent()) => {
  const c = compileExpression(src);
  if (!c.ok) throw new Error(c.message);
  return c.expression.evaluate(e);
};

describe('compileExpression', () => {
  it('evaluates over the event roots, with JSON numbers usable against int literals', () => {
    expect(run('data.plan == "pro" && event_type.startsWith("sign")')).toEqual({ ok: true, value: true });
    expect(run('data.amount * 2')).toEqual({ ok: true, value: 25 });
    expect(run('data.amount > 10')).toEqual({ ok: true, value: true });
    expect(run('size(data.plan) + 1')).toEqual({ ok: true, value: 4 });
    expect(run('user_id == null', testEvent({ user_id: null }))).toEqual({ ok: true, value: true });
    expect(run('timestamp(timestamp) > timestamp("2026-01-01T00:00:00Z")')).toEqual({
      ok: true,
      value: true,
    });
  });

  it('turns a missing key into an error value, and has() guards it', () => {
    const r = run('data.missing == 1');
    expect(r.ok).toBe(false);
    expect(run('has(data.missing) && data.missing == 1')).toEqual({ ok: true, value: false });
    expect(run('data.?missing.orValue(3)')).toEqual({ ok: true, value: 3 });
  });

  it('never reaches prototypes: inherited names are missing keys', () => {
    for (const src of ['data.__proto__', 'data.constructor', 'data.toString', 'data["__proto__"]']) {
      expect(run(src).ok, src).toBe(false);
    }
  });

  it('refuses syntax and type errors with a position', () => {
    expect(compileExpression('data.plan ==')).toMatchObject({ ok: false, position: 12 });
    expect(compileExpression('1 + "a"')).toMatchObject({
      ok: false,
      message: expect.stringContaining('no such overload'),
    });
    expect(compileExpression('foo == 1')).toMatchObject({
      ok: false,
      message: 'Unknown variable: foo',
      position: 0,
    });
    expect(compileExpression('   ')).toMatchObject({ ok: false });
  });

  it('bounds size and nesting', () => {
    expect(compileExpression('1 + '.repeat(MAX_EXPRESSION_LENGTH))).toMatchObject({ ok: false });
    expect(compileExpression(Array.from({ length: 300 }, () => 'true').join(' && '))).toMatchObject({
      ok: false,
    });
    const nested = '[1].exists(a, [2].exists(b, [3].exists(c, a + b == c)))';
    expect(compileExpression(nested)).toMatchObject({
      ok: false,
      message: expect.stringContaining('nest 3 deep'),
    });
    expect(compileExpression('[1].exists(a, [2].exists(b, a < b))').ok).toBe(true);
  });

  it('lists the event paths read, not comprehension variables', () => {
    const c = compileExpression(
      'has(data.a.b) && data["c"] > 1 && metadata.tags.exists(t, t == derived.x.y) && event_type != ""',
    );
    expect(c.ok && [...c.expression.reads].sort()).toEqual([
      'data.a.b',
      'data.c',
      'derived.x.y',
      'event_type',
      'metadata.tags',
    ]);
  });
});

describe('checkExpression', () => {
  it('checks syntax and, when given, the known fields', () => {
    const known = new Set(['data.plan', 'data.address.city', 'metadata.ip']);
    expect(checkExpression('data.plan == "x"', known)).toEqual({ ok: true });
    expect(checkExpression('data.address.city == "x" && data.address != null', known)).toEqual({ ok: true });
    expect(checkExpression('data.plna == "x"', known)).toEqual({
      ok: false,
      message: 'unknown field data.plna',
    });
    expect(checkExpression('data.plna == "x"')).toEqual({ ok: true });
    expect(checkExpression('data.plan ==')).toMatchObject({ ok: false, position: 12 });
  });
});
