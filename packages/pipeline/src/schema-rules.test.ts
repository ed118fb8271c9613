import { describe, expect, it } from 'vitest';
import type { ControlRecord } from '@tributary/contracts';
import { createSchemaRules } from './schema-rules.ts';
import { sortEvents } from './sort-events.ts';

const v1 = {
  type: 'object',
  properties: { path: { type: 'string' } },
  required: ['path'],
  additionalProperties: false,
};
const v2 = { ...v1, properties: { ...v1.properties, referrer: { type: 'string' } } };

function subject(
  revision: number,
  enforcement: 'enforce' | 'observe',
  versions: Array<[number, Record<string, unknown>]>,
): ControlRecord {
  return {
    kind: 'subject',
    name: 'page_view',
    revision,
    state: {
      compatibility: 'BACKWARD',
      enforcement,
      latestVersion: versions.at(-1)?.[0] ?? null,
      versions: versions.map(([version, schema]) => ({ version, schema })),
    },
  };
}

describe('schema rules', () => {
  it('checks data against the named active version, else the latest, and reports the match', () => {
    const rules = createSchemaRules();
    rules.load(10, [
      subject(10, 'enforce', [
        [1, v1],
        [2, v2],
      ]),
    ]);
    expect(rules.check('web', 'page_view', { path: '/', referrer: 'x' }, undefined)).toEqual({
      ok: true,
      version: 2,
    });
    expect(rules.check('web', 'page_view', { path: '/' }, 1)).toEqual({ ok: true, version: 1 });
    // v1 is closed: the referrer is not allowed when v1 is named.
    const named = rules.check('web', 'page_view', { path: '/', referrer: 'x' }, 1);
    expect(named).toMatchObject({ ok: false, code: 'schema_violation', version: 1, enforcement: 'enforce' });
    // An unknown version number falls back to the latest active one.
    expect(rules.check('web', 'page_view', { path: '/' }, 7)).toEqual({ ok: true, version: 2 });
    const bad = rules.check('web', 'page_view', { path: 3, colour: 'red' }, undefined);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.reasons).toEqual([
        "data: unknown field 'colour' (the schema does not allow it)",
        'data.path: must be string',
      ]);
    }
    // No subject: allowed unless the source rejects unknown event types.
    expect(rules.check('web', 'other', {}, undefined)).toEqual({ ok: true, version: null });
    rules.apply({ kind: 'source', name: 'web', revision: 11, state: { unknownEventTypes: 'reject' } });
    expect(rules.check('web', 'other', {}, undefined)).toMatchObject({
      ok: false,
      code: 'unknown_event_type',
    });
  });

  it('keeps the newest state per key whatever order records arrive in', () => {
    const rules = createSchemaRules();
    rules.load(100, [subject(100, 'observe', [[1, v1]])]);
    // Older than the snapshot (a replay of the topic): ignored.
    expect(rules.apply(subject(50, 'enforce', [[1, v1]]))).toBe(false);
    expect(rules.describe('page_view')?.enforcement).toBe('observe');
    expect(rules.apply({ kind: 'subject', name: 'signup', revision: 60, state: null })).toBe(false);
    // Newer: applied, and a tombstone removes the subject.
    expect(rules.apply(subject(120, 'enforce', [[1, v1]]))).toBe(true);
    expect(rules.describe('page_view')?.enforcement).toBe('enforce');
    expect(rules.apply({ kind: 'subject', name: 'page_view', revision: 130, state: null })).toBe(true);
    expect(rules.describe('page_view')).toBeNull();
    // A reload whose snapshot predates the tombstone does not bring the subject back.
    rules.load(125, [subject(125, 'enforce', [[1, v1]])]);
    expect(rules.describe('page_view')).toBeNull();
  });

  it('enforce rejects to the dead-letter list with the reasons; observe accepts and reports', () => {
    const rules = createSchemaRules();
    rules.load(1, [subject(1, 'enforce', [[1, v1]])]);
    const key = { id: 'wk', sourceId: 's', sourceName: 'web' };
    const raw = (value: Record<string, unknown>) => ({ value, text: JSON.stringify(value), depth: 3 });
    const events = [
      raw({ event_type: 'page_view', event_id: 'good', data: { path: '/' } }),
      raw({ event_type: 'page_view', event_id: 'bad', data: {} }),
    ];
    const enforced = sortEvents(events, key, new Date(), undefined, rules);
    expect(enforced.accepted.map((e) => [e.event_id, e.schema_version])).toEqual([['good', 1]]);
    expect(enforced.deadLetters[0]).toMatchObject({
      event_id: 'bad',
      stage: 'ingest',
      code: 'schema_violation',
      schema_version: 1,
      details: { reasons: ["data: missing required field 'path'"], index: 1 },
    });
    expect(enforced.results[1]).toMatchObject({ index: 1, status: 'rejected', code: 'schema_violation' });
    expect(enforced.rejectedViolations.get('page_view')).toBe(1);

    rules.apply(subject(2, 'observe', [[1, v1]]));
    const observed = sortEvents(events, key, new Date(), undefined, rules);
    expect(observed.accepted.map((e) => [e.event_id, e.schema_version])).toEqual([
      ['good', 1],
      ['bad', null],
    ]);
    expect(observed.deadLetters).toEqual([]);
    expect(observed.observed).toEqual([
      {
        index: 1,
        event_id: 'bad',
        subject: 'page_view',
        version: 1,
        reasons: ["data: missing required field 'path'"],
      },
    ]);
  });
});

describe('schema rules match patterns in linear time', () => {
  it("answers `^(a|a)*$` on 30 × 'a' + 'b' (minutes for a backtracking engine) and rejects it", () => {
    const rules = createSchemaRules();
    rules.load(1, [
      subject(1, 'enforce', [
        [1, { type: 'object', properties: { name: { type: 'string', pattern: '^(a|a)*$' } } }],
      ]),
    ]);
    expect(rules.check('web', 'page_view', { name: 'a'.repeat(30) }, undefined)).toEqual({
      ok: true,
      version: 1,
    });
    const verdict = rules.check('web', 'page_view', { name: 'a'.repeat(30) + 'b' }, undefined);
    expect(verdict).toMatchObject({ ok: false, code: 'schema_violation' });
    expect(verdict.ok ? [] : verdict.reasons).toEqual(['data.name: must match pattern "^(a|a)*$"']);
  });

  it('refuses the events of a version whose pattern RE2 cannot run (it never reaches a backtracker)', () => {
    const errors: string[] = [];
    const rules = createSchemaRules({ onCompileError: (_s, _v, m) => errors.push(m) });
    rules.load(1, [
      subject(1, 'enforce', [
        [1, { type: 'object', properties: { p: { type: 'string', pattern: '^(?=a)' } } }],
      ]),
    ]);
    const verdict = rules.check('web', 'page_view', { p: 'a' }, undefined);
    expect(verdict).toMatchObject({ ok: false, code: 'schema_violation' });
    expect(errors[0]).toMatch(/lookahead/);
  });
});
