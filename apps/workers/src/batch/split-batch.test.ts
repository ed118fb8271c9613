import { describe, expect, it } from 'vitest';
import type { Batch } from '@tributary/kafka';
import { splitAtInterruption } from './split-batch.ts';

function batch(first: number, last: number): Batch {
  const messages = Array.from({ length: last - first + 1 }, (_, i) => ({
    topic: 't',
    partition: 0,
    offset: String(first + i),
    key: null,
    value: Buffer.from('[]'),
    headers: {},
    timestamp: 0,
  }));
  return { topic: 't', partition: 0, messages, firstOffset: String(first), lastOffset: String(last) };
}
const ranges = (parts: ReturnType<typeof splitAtInterruption>) =>
  parts.map((p) => [
    p.batch.firstOffset,
    p.batch.lastOffset,
    p.intent ? `${p.intent.first}-${p.intent.last}` : null,
    `${p.range.first}-${p.range.last}`,
    ...(p.partial ? ['partial'] : []),
  ]);

describe('splitAtInterruption', () => {
  it('leaves a batch alone without an intent, with one ahead of it, or with one wholly behind it', () => {
    expect(ranges(splitAtInterruption(batch(30, 40), { first: 10n, last: 19n }))).toEqual([
      ['30', '40', null, '30-40'],
    ]);
    expect(ranges(splitAtInterruption(batch(10, 20), null))).toEqual([['10', '20', null, '10-20']]);
    expect(ranges(splitAtInterruption(batch(10, 20), { first: 21n, last: 30n }))).toEqual([
      ['10', '20', null, '10-20'],
    ]);
  });

  it('cuts a redelivered batch after the interrupted range, so the first part has its exact range', () => {
    expect(ranges(splitAtInterruption(batch(10, 30), { first: 10n, last: 19n }))).toEqual([
      ['10', '19', '10-19', '10-19'],
      ['20', '30', null, '20-30'],
    ]);
  });

  it('names the interrupted range when the batch starts earlier (a lost commit)', () => {
    expect(ranges(splitAtInterruption(batch(5, 30), { first: 10n, last: 19n }))).toEqual([
      ['5', '19', '10-19', '10-19'],
      ['20', '30', null, '20-30'],
    ]);
  });

  it('keeps a batch equal to the interrupted range whole, with its range', () => {
    expect(ranges(splitAtInterruption(batch(10, 19), { first: 10n, last: 19n }))).toEqual([
      ['10', '19', '10-19', '10-19'],
    ]);
  });

  it('names a shorter redelivery by its own offsets and keeps the intent for the batch that brings the rest', () => {
    expect(ranges(splitAtInterruption(batch(10, 15), { first: 10n, last: 19n }))).toEqual([
      ['10', '15', '10-19', '10-15', 'partial'],
    ]);
    expect(ranges(splitAtInterruption(batch(16, 25), { first: 10n, last: 19n }))).toEqual([
      ['16', '19', '10-19', '16-19'],
      ['20', '25', null, '20-25'],
    ]);
  });
});
