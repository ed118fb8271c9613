import { describe, expect, it } from 'vitest';
import { controlKeys, decodeControlHint, decodeControlMessage, encodeControlRecord } from './control.ts';

const buf = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

describe('decodeControlHint', () => {
  it('reads kind and name from every kind of record, with or without a state payload', () => {
    const subject = encodeControlRecord({
      kind: 'subject',
      name: 'checkout',
      revision: 5,
      state: { compatibility: 'BACKWARD', enforcement: 'enforce', latestVersion: null, versions: [] },
    });
    expect(decodeControlHint(subject.key, buf(subject.value))).toEqual({
      ok: true,
      hint: { kind: 'subject', name: 'checkout' },
    });
    for (const kind of ['write_keys', 'processor', 'lookup_table'] as const) {
      const r = encodeControlRecord({ kind, name: 'x', revision: 1 });
      expect(r.key).toBe(controlKeys[kind]('x'));
      expect(decodeControlHint(r.key, buf(r.value))).toEqual({ ok: true, hint: { kind, name: 'x' } });
    }
  });

  it('still counts a record whose payload is broken as the hint it is (the payload is never used)', () => {
    const forged = { kind: 'source', name: 'demo', revision: -1, state: 'anything' };
    expect(decodeControlMessage('source:demo', buf(forged)).ok).toBe(false);
    expect(decodeControlHint('source:demo', buf(forged))).toEqual({
      ok: true,
      hint: { kind: 'source', name: 'demo' },
    });
  });

  it('refuses what names nothing usable', () => {
    const usable = (key: string | null, value: Buffer) => decodeControlHint(key, value).ok;
    expect(usable('processor:p', Buffer.alloc(0))).toBe(false);
    expect(usable('processor:p', buf('{not json'))).toBe(false);
    expect(usable('gadget:p', buf({ kind: 'gadget', name: 'p' }))).toBe(false);
    expect(usable('processor:p', buf({ kind: 'processor', name: '' }))).toBe(false);
    expect(usable('processor:other', buf({ kind: 'processor', name: 'p' }))).toBe(false);
    expect(usable(null, buf({ kind: 'processor', name: 'p' }))).toBe(false);
  });

  it('decodes the new hint kinds as control messages too', () => {
    const r = encodeControlRecord({ kind: 'processor', name: 'enrich', revision: 3 });
    expect(decodeControlMessage(r.key, buf(r.value))).toEqual({
      ok: true,
      record: { kind: 'processor', name: 'enrich', revision: 3 },
    });
  });
});
