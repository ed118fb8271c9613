import { describe, expect, it } from 'vitest';
import { nextSlot, ruleOffsetMs, slotAtOrBefore } from './due.ts';

const MIN = 60_000;

describe('evaluation slots', () => {
  it('keeps a rule at one offset in its interval, whatever the time', () => {
    const off = ruleOffsetMs('freshness-p99', MIN);
    expect(off).toBeGreaterThanOrEqual(0);
    expect(off).toBeLessThan(MIN);
    for (const t of [0, 12_345, 7 * MIN + 59_999, 1_800_000_000_000]) {
      const s = slotAtOrBefore('freshness-p99', MIN, t);
      expect(s).toBeLessThanOrEqual(t);
      expect(t - s).toBeLessThan(MIN);
      expect(((s % MIN) + MIN) % MIN).toBe(off);
    }
  });

  it('spreads 1,000 rules over the minute (no 10-second bucket holds more than twice its share)', () => {
    const buckets = new Array<number>(6).fill(0);
    for (let i = 0; i < 1000; i++) buckets[Math.floor(ruleOffsetMs(`rule-${i}`, MIN) / 10_000)]!++;
    expect(Math.max(...buckets)).toBeLessThan(2 * (1000 / 6));
    expect(Math.min(...buckets)).toBeGreaterThan(1000 / 6 / 2);
  });

  it('evaluates a never-evaluated rule at its latest slot, and an up-to-date one at the next', () => {
    const now = 1_800_000_000_000;
    const latest = slotAtOrBefore('r', MIN, now);
    expect(nextSlot('r', MIN, null, now)).toBe(latest);
    expect(nextSlot('r', MIN, latest, now)).toBe(latest + MIN);
    // Several slots missed (no leader for five minutes): one evaluation now, not five.
    expect(nextSlot('r', MIN, latest - 5 * MIN, now)).toBe(latest);
  });
});
