import { describe, expect, it } from 'vitest';
import { holdsAll, requiredLiterals } from './required-literals.ts';

describe('requiredLiterals', () => {
  it('takes the literals of equalities and string methods joined by &&', () => {
    expect(requiredLiterals('data.plan == "needle-plan"')).toEqual(['needle-plan']);
    expect(requiredLiterals('"pro" == data.plan && event_type == "page_view"')).toEqual(['pro', 'page_view']);
    expect(requiredLiterals('metadata.ip.startsWith("10.0") && data["x"].contains("abc")')).toEqual([
      '10.0',
      'abc',
    ]);
  });

  it('requires nothing under ||, !, a ternary, or from roots not read from the message', () => {
    expect(requiredLiterals('data.plan == "a" || data.plan == "b"')).toEqual([]);
    expect(requiredLiterals('!(data.plan == "a")')).toEqual([]);
    expect(requiredLiterals('data.n > 3 ? data.plan == "a" : true')).toEqual([]);
    expect(requiredLiterals('timestamp == "2026-12-01T00:00:00.000Z"')).toEqual([]);
    expect(requiredLiterals('derived.x == "a"')).toEqual([]);
    expect(requiredLiterals('data.plan != "a"')).toEqual([]);
  });

  it('skips literals a JSON encoder may escape, and expressions that do not parse', () => {
    expect(requiredLiterals('data.path == "/p/1"')).toEqual([]);
    expect(requiredLiterals('data.q == "say \\"hi\\""')).toEqual([]);
    expect(requiredLiterals('data.name == "Zoë"')).toEqual([]);
    expect(requiredLiterals('data.plan == ')).toEqual([]);
    expect(requiredLiterals('')).toEqual([]);
  });

  it('finds literals in raw bytes, escaped JSON strings included', () => {
    const dl = Buffer.from(JSON.stringify({ payload: JSON.stringify({ data: { plan: 'needle-plan' } }) }));
    expect(holdsAll(dl, ['needle-plan'])).toBe(true);
    expect(holdsAll(dl, ['needle-plan', 'other'])).toBe(false);
    expect(holdsAll(dl, [])).toBe(true);
  });
});
