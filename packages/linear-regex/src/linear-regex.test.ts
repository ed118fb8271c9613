import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import {
  compileLinear,
  linearPatternProblem,
  linearRegExpEngine,
  schemaPatterns,
  UnsupportedPatternError,
} from './index.ts';

const EVIL = '^(a|a)*$';
const EVIL_INPUT = 'a'.repeat(30) + 'b';

describe('compileLinear', () => {
  it('matches like RegExp.test on ordinary patterns (unanchored unless anchored)', () => {
    const cases: Array<[string, string, boolean]> = [
      ['^[a-z]+$', 'abc', true],
      ['^[a-z]+$', 'abc1', false],
      ['[0-9]', 'abc1', true],
      ['^\\d{3}-\\d{4}$', '555-1234', true],
      ['^\\u00e9t\\u00e9$', 'été', true],
      ['^\\p{Lu}', 'Été', true],
      ['^(?<year>\\d{4})-\\d{2}$', '2026-12', true],
      ['^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$', 'jane@example.com', true],
      ['^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$', 'jane@@example', false],
    ];
    for (const [pattern, input, want] of cases) {
      expect(compileLinear(pattern).test(input), `${pattern} on ${input}`).toBe(want);
      expect(new RegExp(pattern, 'u').test(input)).toBe(want);
    }
  });

  it('answers the classic ReDoS input (an exponential backtracker never would here)', () => {
    const re = compileLinear(EVIL);
    expect(re.test(EVIL_INPUT)).toBe(false);
    expect(re.test('a'.repeat(30))).toBe(true);
    // 100,000 characters: a linear engine does this in milliseconds; a backtracking one not in
    // the lifetime of the test. The assertion is only that it answers, correctly.
    expect(re.test('a'.repeat(100_000) + 'b')).toBe(false);
  });

  it('refuses backreferences and lookarounds with a reason', () => {
    const refused: Array<[string, RegExp]> = [
      ['^(?=.*[0-9]).{8,}$', /lookahead \(\?=…\) cannot be matched in linear time/],
      ['^(?!admin).*$', /negative lookahead/],
      ['(?<=\\$)\\d+', /lookbehind/],
      ['(?<!x)y', /negative lookbehind/],
      ['^(a)\\1$', /backreference \\1/],
      ['^(?<w>a)\\k<w>$', /named backreference/],
    ];
    for (const [pattern, reason] of refused) {
      expect(linearPatternProblem(pattern), pattern).toMatch(reason);
      expect(() => compileLinear(pattern)).toThrow(UnsupportedPatternError);
    }
    // Inside a class these are plain characters, not groups.
    expect(linearPatternProblem('^[(?=]+$')).toBeNull();
    expect(linearPatternProblem('(')).toMatch(/not a valid regular expression/);
  });
});

describe("ajv's code.regExp option", () => {
  const ajv = new Ajv2020({ strict: false, code: { regExp: linearRegExpEngine } });

  it('puts pattern, patternProperties and propertyNames on RE2', () => {
    const validate = ajv.compile({
      type: 'object',
      properties: { name: { type: 'string', pattern: EVIL } },
      patternProperties: { '^x-(a|a)*$': { type: 'integer' } },
      propertyNames: { pattern: '^[a-z-]+$' },
    });
    expect(validate({ name: 'aaaa' })).toBe(true);
    expect(validate({ name: EVIL_INPUT })).toBe(false);
    expect(validate({ 'x-aaa': 'not an integer' })).toBe(false);
    expect(validate({ 'x-aaa': 1 })).toBe(true);
    expect(validate({ Name: 'a' })).toBe(false);
  });

  it('fails compilation of a pattern RE2 cannot run, with the reason', () => {
    expect(() => ajv.compile({ type: 'string', pattern: '^(?=a)' })).toThrow(/lookahead/);
  });
});

describe('schemaPatterns', () => {
  it('finds every pattern, not data that looks like one, and walks properties named like keywords', () => {
    const found = schemaPatterns({
      properties: {
        a: { type: 'string', pattern: '^a$' },
        enum: { type: 'string', pattern: '^e$' },
        pattern: { type: 'string' },
        arr: { items: { pattern: '^i$' } },
      },
      patternProperties: { '^p/q$': { properties: { z: { pattern: '^z$' } } } },
      $defs: { d: { anyOf: [{ pattern: '^d$' }] } },
      default: { pattern: '(?=not a schema)' },
      examples: [{ pattern: '(?=nor this)' }],
    });
    expect(found).toEqual(
      expect.arrayContaining([
        { path: '/properties/a/pattern', pattern: '^a$' },
        { path: '/properties/enum/pattern', pattern: '^e$' },
        { path: '/properties/arr/items/pattern', pattern: '^i$' },
        { path: '/patternProperties/^p~1q$', pattern: '^p/q$' },
        { path: '/patternProperties/^p~1q$/properties/z/pattern', pattern: '^z$' },
        { path: '/$defs/d/anyOf/0/pattern', pattern: '^d$' },
      ]),
    );
    expect(found).toHaveLength(6);
  });
});
