import { describe, expect, it } from 'vitest';
import { formatBytes, formatLagSeconds, formatRate, formatRetention } from './format-topic.ts';

describe('topic formatting', () => {
  it('names retention in its largest exact unit', () => {
    expect(formatRetention(604_800_000)).toBe('7 d');
    expect(formatRetention(129_600_000)).toBe('36 h');
    expect(formatRetention(-1)).toBe('forever');
    expect(formatRetention(1500)).toBe('1500 ms');
  });
  it('formats sizes, rates and lag', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatRate(null)).toBe('—');
    expect(formatRate(2.345)).toBe('2.3/s');
    expect(formatLagSeconds(0)).toBe('0 s');
    expect(formatLagSeconds(95)).toBe('95 s');
    expect(formatLagSeconds(null)).toBe('unknown');
  });
});
