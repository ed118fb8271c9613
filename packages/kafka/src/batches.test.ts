import { describe, expect, it } from 'vitest';
import { toBatches } from './consumer.ts';

type Raw = Parameters<typeof toBatches>[0][number];

const msg = (partition: number, offset: number, topic = 't'): Raw =>
  ({
    topic,
    partition,
    offset: BigInt(offset),
    key: Buffer.from(`k${offset}`),
    value: Buffer.from(`v${offset}`),
    headers: new Map([[Buffer.from('h'), Buffer.from('x')]]),
    timestamp: 1700000000000n,
  }) as unknown as Raw;

describe('toBatches', () => {
  it('groups by partition, keeps offset order and splits at maxBatchSize', () => {
    const batches = toBatches([msg(0, 5), msg(1, 7), msg(0, 6), msg(0, 7), msg(1, 8)], new Map(), 2);
    expect(batches.map((b) => [b.partition, b.firstOffset, b.lastOffset, b.messages.length])).toEqual([
      [0, '5', '6', 2],
      [0, '7', '7', 1],
      [1, '7', '8', 2],
    ]);
    expect(batches[0]!.messages[0]).toMatchObject({
      key: 'k5',
      headers: { h: 'x' },
      timestamp: 1700000000000,
    });
  });

  it('drops offsets below what this consumer already handled (refetch after a rejoin)', () => {
    const batches = toBatches([msg(0, 3), msg(0, 4), msg(0, 5)], new Map([['t:0', 5n]]), 100);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.messages.map((m) => m.offset)).toEqual(['5']);
  });
});
