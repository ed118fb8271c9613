import { describe, expect, it } from 'vitest';
import { firstTimestampAtOrAfter, lagOf, lagSecondsOf } from './lag.ts';

describe('lagOf', () => {
  it('is end − committed, never negative', () => {
    expect(lagOf(5n, 0n, 12n)).toBe(7n);
    expect(lagOf(12n, 0n, 12n)).toBe(0n);
    expect(lagOf(15n, 0n, 12n)).toBe(0n);
  });
  it('counts from the log start without a commit or when retention passed the commit', () => {
    expect(lagOf(null, 4n, 10n)).toBe(6n);
    expect(lagOf(-1n, 4n, 10n)).toBe(6n);
    expect(lagOf(2n, 4n, 10n)).toBe(6n);
  });
});

describe('lagSecondsOf', () => {
  it('is the age of the next message, clamped at 0 for a producer clock ahead of ours', () => {
    expect(lagSecondsOf(1_000, 3_500)).toBe(2.5);
    expect(lagSecondsOf(5_000, 3_500)).toBe(0);
  });
});

describe('firstTimestampAtOrAfter', () => {
  const batch = (firstOffset: bigint, attributes = 0) => ({
    firstOffset,
    firstTimestamp: 1000n,
    maxTimestamp: 9000n,
    attributes,
    records: [
      { offsetDelta: 0, timestampDelta: 0n },
      { offsetDelta: 2, timestampDelta: 20n },
    ],
  });
  it('skips records before the offset (a batch can start earlier) and gaps of a compacted log', () => {
    expect(firstTimestampAtOrAfter([batch(10n)], 10n)).toBe(1000);
    expect(firstTimestampAtOrAfter([batch(10n)], 11n)).toBe(1020);
    expect(firstTimestampAtOrAfter([batch(10n)], 13n)).toBeNull();
  });
  it('uses the broker time of a LogAppendTime batch', () => {
    expect(firstTimestampAtOrAfter([batch(10n, 0x08)], 11n)).toBe(9000);
  });
});
