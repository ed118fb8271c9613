import { describe, expect, it } from 'vitest';
import { labelsKey, matcherPatternProblem, matches, matchesAll } from './labels.ts';

describe('labels', () => {
  it('keys label sets whatever their order', () => {
    expect(labelsKey({ a: '1', b: '2' })).toBe(labelsKey({ b: '2', a: '1' }));
    expect(labelsKey({ a: '1' })).not.toBe(labelsKey({ a: '2' }));
  });

  it('matches like Alertmanager: anchored regexes, missing labels are empty', () => {
    const l = { source: 'web-eu', team: 'data' };
    expect(matches({ name: 'source', op: '=~', value: 'web' }, l)).toBe(false);
    expect(matches({ name: 'source', op: '=~', value: 'web-.*' }, l)).toBe(true);
    expect(matches({ name: 'source', op: '!~', value: 'ios|android' }, l)).toBe(true);
    expect(matches({ name: 'region', op: '=', value: '' }, l)).toBe(true);
    expect(matches({ name: 'region', op: '!=', value: 'eu' }, l)).toBe(true);
    expect(
      matchesAll(
        [
          { name: 'team', op: '=', value: 'data' },
          { name: 'source', op: '!=', value: 'web-eu' },
        ],
        l,
      ),
    ).toBe(false);
  });
});

describe('regex matchers run in linear time', () => {
  it('answers a catastrophic-backtracking pattern on a hostile value at once', () => {
    // V8's backtracking engine takes minutes for (a|a)* against 40 × 'a' + 'b'; RE2 is linear.
    const hostile = 'a'.repeat(40) + 'b';
    expect(matches({ name: 'source', op: '=~', value: '(a|a)*' }, { source: hostile })).toBe(false);
    expect(matches({ name: 'source', op: '!~', value: '(a|a)*' }, { source: hostile })).toBe(true);
    expect(matches({ name: 'source', op: '=~', value: '(a|a)*b' }, { source: hostile })).toBe(true);
  });

  it('refuses what RE2 cannot run, and such a matcher holds for neither =~ nor !~', () => {
    expect(matcherPatternProblem('(a)\\1')).toMatch(/backreference/);
    expect(matcherPatternProblem('web|ios')).toBeNull();
    const l = { source: 'aa' };
    expect(matches({ name: 'source', op: '=~', value: '(a)\\1' }, l)).toBe(false);
    expect(matches({ name: 'source', op: '!~', value: '(a)\\1' }, l)).toBe(false);
  });
});
