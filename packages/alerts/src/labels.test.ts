import { describe, expect, it } from 'vitest';
import { labelsKey, matches, matchesAll } from './labels.ts';

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
