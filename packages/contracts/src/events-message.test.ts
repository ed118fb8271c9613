import { describe, expect, it } from 'vitest';
import {
  decodeEventsMessage,
  encodeEventsMessage,
  eventIdentityKey,
  partitionForEventId,
} from './events-message.ts';

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

describe('event identity', () => {
  it('tells sources, types and ids apart, even when a separator could be forged', () => {
    const key = (source: string, event_type: string, event_id: string) =>
      eventIdentityKey({ source, event_type, event_id });
    expect(key('web', 'click', 'e1')).toBe(key('web', 'click', 'e1'));
    expect(key('web', 'click', 'e1')).not.toBe(key('app', 'click', 'e1'));
    expect(key('web', 'click', 'e1')).not.toBe(key('web', 'view', 'e1'));
    expect(key('a","b', 'c', 'd')).not.toBe(key('a', 'b","c', 'd'));
    expect(key('a|b', 'c', 'd')).not.toBe(key('a', 'b|c', 'd'));
  });
});
