import { describe, expect, it } from 'vitest';
import { forbiddenSegment, getAt, removeAt, setAt, splitPath } from './field-paths.ts';
import { testEvent } from './test-events.ts';

describe('field paths', () => {
  it('reads own properties only', () => {
    const e = testEvent();
    expect(getAt(e, splitPath('data.plan'))).toBe('pro');
    expect(getAt(e, splitPath('data.nothing.deeper'))).toBeUndefined();
    expect(getAt(e, splitPath('data.toString'))).toBeUndefined();
  });

  it('writes copy-on-write, creating objects on the way, and never changes the input', () => {
    const e = testEvent();
    const before = JSON.stringify(e);
    const out = setAt(e, splitPath('derived.geo.country'), 'DE');
    expect(out.derived).toEqual({ geo: { country: 'DE' } });
    expect(out.data).toBe(e.data);
    expect(JSON.stringify(e)).toBe(before);
    const removed = removeAt(e, splitPath('data.plan'));
    expect(removed.data).not.toHaveProperty('plan');
    expect(e.data).toHaveProperty('plan');
  });

  it('refuses to set through a non-object', () => {
    expect(() => setAt(testEvent(), splitPath('data.plan.tier'), 1)).toThrow(/data.plan is not an object/);
  });

  it('names prototype segments', () => {
    expect(forbiddenSegment('data.__proto__.x')).toBe('__proto__');
    expect(forbiddenSegment('data.constructor')).toBe('constructor');
    expect(forbiddenSegment('data.proto')).toBeUndefined();
  });
});
