import { describe, expect, it } from 'vitest';
import { formatAgo, formatClock, formatCount, formatMs, formatTimestamp, prettyJson } from './format.ts';

describe('format', () => {
  it('formats ages', () => {
    expect(formatAgo(-5)).toBe('0 s ago');
    expect(formatAgo(4_999)).toBe('4 s ago');
    expect(formatAgo(125_000)).toBe('2 min ago');
    expect(formatAgo(3 * 3_600_000)).toBe('3 h ago');
    expect(formatAgo(72 * 3_600_000)).toBe('3 d ago');
  });

  it('formats counts and durations', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(12)).toBe('12');
    expect(formatMs(null)).toBe('—');
    expect(formatMs(42.4)).toBe('42 ms');
    expect(formatMs(1500)).toBe('1.50 s');
    expect(formatMs(12_345)).toBe('12.3 s');
  });

  it('formats clock times in UTC', () => {
    expect(formatClock(Date.UTC(2025, 0, 1, 3, 4, 5, 6))).toBe('03:04:05.006');
    expect(formatTimestamp('2026-11-22T01:40:05.123Z')).toBe('2026-11-22 01:40:05 UTC');
    expect(formatTimestamp('not a time')).toBe('—');
  });

  it('pretty-prints JSON and leaves other text alone', () => {
    expect(prettyJson('{"a":[1]}')).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(prettyJson('not json')).toBe('not json');
  });
});
