import { describe, expect, it } from 'vitest';
import { createLocalBuckets } from './rate-limit-local.ts';

describe('local token buckets (the fallback while Redis does not answer)', () => {
  const limit = { perSecond: 10, burst: 100 };

  it('starts full, takes whole costs, refills with time up to the burst', () => {
    const b = createLocalBuckets();
    expect(b.take('k', limit, 60, 0)).toEqual({ allowed: true, remaining: 40 });
    expect(b.take('k', limit, 60, 0)).toEqual({
      allowed: false,
      tooLarge: false,
      retryAfterMs: 2000,
      remaining: 40,
    });
    // 2 s later: 40 + 20 tokens.
    expect(b.take('k', limit, 60, 2000)).toEqual({ allowed: true, remaining: 0 });
    // A long pause refills to the burst, not beyond.
    expect(b.take('k', limit, 100, 60_000)).toEqual({ allowed: true, remaining: 0 });
  });

  it('keeps buckets apart and refuses a cost above the burst outright', () => {
    const b = createLocalBuckets();
    expect(b.take('a', limit, 100, 0).allowed).toBe(true);
    expect(b.take('b', limit, 100, 0).allowed).toBe(true);
    expect(b.take('c', limit, 101, 0)).toMatchObject({ allowed: false, tooLarge: true });
  });
});
