import { describe, expect, it } from 'vitest';
import { decodeEventsMessage, encodeEventsMessage, partitionForEventId } from './events-message.ts';

describe('events message', () => {
  it('maps an event_id to the same partition every time, spreading ids over all partitions', () => {
    expect(partitionForEventId('abc', 6)).toBe(partitionForEventId('abc', 6));
    const seen = new Set(Array.from({ length: 600 }, (_, i) => partitionForEventId(`id-${i}`, 6)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('round-trips a batch and accepts a single envelope', () => {
    const value = Buffer.from(encodeEventsMessage([JSON.stringify({ a: 1 }), JSON.stringify({ b: 2 })]));
    expect(decodeEventsMessage(value)).toEqual({ ok: true, items: [{ a: 1 }, { b: 2 }] });
    expect(decodeEventsMessage(Buffer.from('{"a":1}'))).toEqual({ ok: true, items: [{ a: 1 }] });
    expect(decodeEventsMessage(Buffer.from('{oops')).ok).toBe(false);
  });
});
