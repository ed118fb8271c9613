import type { ControlRecord } from '@tributary/contracts';
import { createSchemaRules } from '@tributary/pipeline';
import { describe, expect, it } from 'vitest';
import { reprocess, type ReplayableEntry } from './reprocess.ts';

function subject(versions: Array<Record<string, unknown>>): ControlRecord {
  return {
    kind: 'subject',
    name: 'purchase',
    revision: 1,
    state: {
      compatibility: 'BACKWARD',
      enforcement: 'enforce',
      latestVersion: versions.length,
      versions: versions.map((schema, i) => ({ version: i + 1, schema })),
    },
  };
}

function rulesWith(schema: Record<string, unknown>) {
  const rules = createSchemaRules();
  rules.load(1, [subject([schema])]);
  return rules;
}

const strict = { type: 'object', required: ['price'], properties: { price: { type: 'number' } } };
const entry: ReplayableEntry = {
  id: 'dl-1',
  event_id: 'ev-1',
  payload: JSON.stringify({ event_type: 'purchase', data: { price: '12' } }),
  payload_encoding: 'utf8',
  source: 'shop',
  write_key_id: 'wk-1',
  attempts: 1,
  failed_at: '2026-11-22T00:00:00.000Z',
  first_failed_at: '2026-11-22T00:00:00.000Z',
};
const opts = { now: new Date('2026-11-22T01:00:00.000Z'), replayId: 'r-1' };

describe('reprocess', () => {
  it('fails with the schema reasons while the schema still disagrees', () => {
    const r = reprocess(entry, rulesWith(strict), opts);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reasons.join(' ')).toMatch(/price/);
  });

  it('passes once the schema accepts it, keeping the entry event_id and marking the replay', () => {
    const r = reprocess(entry, rulesWith({ type: 'object' }), opts);
    expect(r).toMatchObject({
      ok: true,
      envelope: {
        event_id: 'ev-1',
        event_type: 'purchase',
        source: 'shop',
        write_key_id: 'wk-1',
        schema_version: 1,
        received_at: '2026-11-22T01:00:00.000Z',
        replay: { replay_id: 'r-1', dead_letter_id: 'dl-1', attempts: 1 },
      },
    });
  });

  it('takes an edited payload instead of the original', () => {
    const edited = JSON.stringify({ event_type: 'purchase', data: { price: 12 } });
    expect(reprocess(entry, rulesWith(strict), { ...opts, editedPayload: edited }).ok).toBe(true);
  });

  it('refuses an edited payload that is not JSON, or not one object', () => {
    const notJson = reprocess(entry, rulesWith(strict), { ...opts, editedPayload: '{"event_type":' });
    expect(notJson).toMatchObject({ ok: false, reasons: [expect.stringMatching(/not JSON/)] });
    const array = reprocess(entry, rulesWith(strict), { ...opts, editedPayload: '[1]' });
    expect(array).toMatchObject({ ok: false, reasons: [expect.stringMatching(/one JSON object/)] });
  });

  it('replays a sink-stage envelope payload as its event, dropping what ingest added', () => {
    const envelopePayload = JSON.stringify({
      event_id: 'ev-2',
      event_type: 'purchase',
      timestamp: '2026-11-21T00:00:00.000Z',
      user_id: null,
      data: { price: 3 },
      metadata: {},
      schema_version: 1,
      source: 'shop',
      write_key_id: 'wk-1',
      received_at: '2026-11-21T00:00:01.000Z',
      replay: { replay_id: 'old', dead_letter_id: 'x', attempts: 1, first_failed_at: 'y' },
    });
    const r = reprocess(
      { ...entry, event_id: 'ev-2', payload: envelopePayload, attempts: 2 },
      rulesWith(strict),
      opts,
    );
    expect(r).toMatchObject({
      ok: true,
      envelope: {
        event_id: 'ev-2',
        timestamp: '2026-11-21T00:00:00.000Z',
        replay: { replay_id: 'r-1', attempts: 2 },
      },
    });
  });

  it('cannot replay binary payloads or entries without a source', () => {
    expect(reprocess({ ...entry, payload_encoding: 'base64' }, rulesWith(strict), opts).ok).toBe(false);
    const noSource = reprocess({ ...entry, source: null, write_key_id: null }, rulesWith(strict), opts);
    expect(noSource).toMatchObject({ ok: false, reasons: [expect.stringMatching(/no source/)] });
  });

  it('validates against a chosen version', () => {
    const rules = createSchemaRules();
    rules.load(1, [subject([{ type: 'object' }, strict])]);
    expect(reprocess(entry, rules, opts).ok).toBe(false);
    expect(reprocess(entry, rules, { ...opts, schemaVersion: 1 })).toMatchObject({
      ok: true,
      envelope: { schema_version: 1 },
    });
  });
});

describe('reprocess with an edit', () => {
  it('never sends an edit that changes the event type or id', () => {
    const rules = rulesWith({ type: 'object' });
    const editedPayload = JSON.stringify({ event_type: 'purchase', event_id: 'other', data: { price: 1 } });
    const r = reprocess(entry, rules, { ...opts, editedPayload });
    expect(r).toMatchObject({ ok: false, code: 'edit_not_allowed' });
    if (!r.ok) expect(r.message).toContain("'event_id'");
    const fine = reprocess(entry, rules, {
      ...opts,
      editedPayload: JSON.stringify({ event_type: 'purchase', data: { price: 1 } }),
    });
    expect(fine).toMatchObject({ ok: true, envelope: { event_id: 'ev-1', source: 'shop' } });
  });
});
