import { TributaryError } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { assertSubjectName, checkExamples, checkFieldTags } from './validate.ts';

function code(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof TributaryError ? err.code : 'other';
  }
}

describe('assertSubjectName', () => {
  it('accepts event-type names and refuses others', () => {
    for (const ok of ['page_view', 'shop.order:created-v2', 'A'.repeat(128)])
      expect(code(() => assertSubjectName(ok))).toBeNull();
    for (const bad of ['', 'has space', 'a/b', 'é', 'A'.repeat(129)])
      expect(code(() => assertSubjectName(bad))).toBe('bad_request');
  });
});

describe('checkExamples', () => {
  const schema = {
    type: 'object',
    properties: { at: { type: 'string', format: 'date-time' } },
    required: ['at'],
  };

  it('checks each example against the schema, formats included', () => {
    expect(checkExamples(schema, [{ at: '2026-11-22T10:00:00Z' }])).toHaveLength(1);
    expect(code(() => checkExamples(schema, [{ at: 'yesterday' }]))).toBe('bad_request');
    expect(code(() => checkExamples(schema, [{}]))).toBe('bad_request');
    expect(checkExamples(schema, undefined)).toBeUndefined();
  });
});

describe('checkFieldTags', () => {
  it('keeps unique tags per path and refuses other shapes', () => {
    expect(checkFieldTags({ '/email': ['pii', 'pii', 'contact'] })).toEqual({ '/email': ['pii', 'contact'] });
    expect(code(() => checkFieldTags({ '/email': 'pii' }))).toBe('bad_request');
    expect(code(() => checkFieldTags({ '/email': ['has space'] }))).toBe('bad_request');
    expect(code(() => checkFieldTags([['/email', ['pii']]]))).toBe('bad_request');
  });
});
