import { TributaryError } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { assertSubjectName, checkExamples, checkFieldTags, checkSchemaDocument } from './validate.ts';

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

describe('checkSchemaDocument: patterns must run in linear time (RE2)', () => {
  const withPattern = (pattern: string) => ({
    type: 'object',
    properties: { password: { type: 'string', pattern } },
  });

  it('refuses a lookahead or a backreference with where it is and why', () => {
    let err: unknown;
    try {
      checkSchemaDocument(withPattern('^(?=.*[0-9]).{8,}$'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TributaryError);
    expect((err as TributaryError).code).toBe('bad_request');
    expect((err as TributaryError).message).toMatch(
      /schema pattern "\^\(\?=\.\*\[0-9\]\)\.\{8,\}\$" at \$\.properties\.password\.pattern is not supported: the lookahead \(\?=…\) cannot be matched in linear time/,
    );
    expect(() =>
      checkSchemaDocument({ type: 'object', patternProperties: { '^(\\w)\\1$': { type: 'string' } } }),
    ).toThrow(/at \$\.patternProperties\.\^\(\\w\)\\1\$ is not supported: the backreference \\1/);
  });

  it('accepts patterns RE2 runs, the exponential-for-backtracking one included (it is linear here)', () => {
    expect(code(() => checkSchemaDocument(withPattern('^(a|a)*$')))).toBeNull();
    expect(code(() => checkSchemaDocument(withPattern('^\\p{Lu}[a-z]+(?<n>\\d+)?$')))).toBeNull();
  });
});
