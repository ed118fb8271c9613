import { TributaryError } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { assertEditAllowed, editRefusal, type EditBase } from './edit-fields.ts';

const stored = {
  event_id: 'ev-1',
  event_type: 'purchase',
  timestamp: '2026-11-22T00:00:00.000Z',
  user_id: 'u1',
  data: { price: '12' },
  metadata: { ip: '10.0.0.1' },
};
const entry: EditBase = {
  event_id: 'ev-1',
  event_type: 'purchase',
  payload: JSON.stringify(stored),
  payload_encoding: 'utf8',
};
const edit = (changes: Record<string, unknown>, base: Record<string, unknown> = stored) =>
  JSON.stringify({ ...base, ...changes });

describe('edited replays', () => {
  it('may change data, metadata, timestamp and user_id', () => {
    expect(
      editRefusal(
        entry,
        edit({ data: { price: 12 }, metadata: {}, timestamp: '2026-11-23T00:00:00Z', user_id: null }),
      ),
    ).toBeNull();
  });

  it.each([
    ['event_type', { event_type: 'refund' }],
    ['event_id', { event_id: 'someone-elses' }],
    ['source', { source: 'other-source' }],
    ['write_key_id', { write_key_id: 'wk-other' }],
    ['schema_version', { schema_version: 3 }],
    ['extra', { extra: 1 }],
  ])('refuses a change of %s, naming it', (field, changes) => {
    expect(editRefusal(entry, edit(changes))).toMatchObject({ field });
    const err = (() => {
      try {
        assertEditAllowed(entry, edit(changes));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(TributaryError);
    expect((err as TributaryError).code).toBe('bad_request');
    expect((err as Error).message).toContain(`'${field}'`);
  });

  it('refuses removing the event_id or event_type, allows naming the recorded id the payload left out', () => {
    const { event_id: _id, ...withoutId } = stored;
    expect(editRefusal(entry, JSON.stringify(withoutId))).toBeNull();
    const noIdEntry = { ...entry, payload: JSON.stringify(withoutId) };
    expect(editRefusal(noIdEntry, JSON.stringify(stored))).toBeNull();
    expect(editRefusal(noIdEntry, edit({ event_id: 'ev-2' }))).toMatchObject({ field: 'event_id' });
    const { event_type: _type, ...withoutType } = stored;
    expect(editRefusal(entry, JSON.stringify(withoutType))).toMatchObject({ field: 'event_type' });
  });

  it('lets an unknown top-level field be removed (the fix for an invalid envelope), not added or changed', () => {
    const broken = { ...entry, payload: edit({ extra: 1 }) };
    expect(editRefusal(broken, JSON.stringify(stored))).toBeNull();
    expect(editRefusal(broken, edit({ extra: 2 }))).toMatchObject({ field: 'extra' });
  });

  it('keeps the envelope of a worker-stage payload as stored', () => {
    const envelope = {
      ...stored,
      source: 'shop',
      write_key_id: 'wk-1',
      received_at: 'x',
      schema_version: null,
    };
    const e = { ...entry, payload: JSON.stringify(envelope) };
    expect(editRefusal(e, edit({ data: { price: 1 } }, envelope))).toBeNull();
    expect(editRefusal(e, edit({ source: 'other' }, envelope))).toMatchObject({ field: 'source' });
    const { source: _s, ...noSource } = envelope;
    expect(editRefusal(e, JSON.stringify(noSource))).toMatchObject({ field: 'source' });
  });

  it('a stored payload that is not an event: only the recorded id and type besides the editable fields', () => {
    const raw = { ...entry, payload: '{not json', event_type: null };
    expect(editRefusal(raw, edit({}))).toBeNull();
    expect(editRefusal(raw, edit({ event_id: 'ev-9' }))).toMatchObject({ field: 'event_id' });
    expect(editRefusal(raw, edit({ source: 'x' }))).toMatchObject({ field: 'source' });
    const typed = { ...raw, event_type: 'purchase' };
    expect(editRefusal(typed, edit({ event_type: 'refund' }))).toMatchObject({ field: 'event_type' });
    const binary = { ...entry, payload: 'AAEC', payload_encoding: 'base64' as const };
    expect(editRefusal(binary, edit({}))).toBeNull();
  });
});
