import { describe, expect, it } from 'vitest';
import { checkCompatibility } from './check.ts';
import type { JsonSchema } from './types.ts';

const v1: JsonSchema = { type: 'object', properties: { id: { type: 'string' }, plan: { type: 'string' } } };
// v2 makes plan required: breaks BACKWARD against v1.
const v2: JsonSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, plan: { type: 'string' } },
  required: ['plan'],
};
// v3 adds an optional field on top of v2: fine against v2, still breaks against v1 (plan required).
const v3: JsonSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, plan: { type: 'string' }, seats: { type: 'integer' } },
  required: ['plan'],
};
const history = [
  { version: 1, schema: v1 },
  { version: 2, schema: v2 },
];

describe('modes', () => {
  it('BACKWARD compares against the latest version only', () => {
    const result = checkCompatibility(history, v3, 'BACKWARD');
    expect(result).toMatchObject({ compatible: true, checkedVersions: [2] });
  });

  it('BACKWARD_TRANSITIVE compares against every earlier version', () => {
    const result = checkCompatibility(history, v3, 'BACKWARD_TRANSITIVE');
    expect(result.compatible).toBe(false);
    expect(result.checkedVersions).toEqual([1, 2]);
    expect(result.reasons.map((r) => [r.rule, r.againstVersion, r.direction])).toEqual([
      ['required.added', 1, 'backward'],
    ]);
  });

  it('FORWARD_TRANSITIVE catches a type widened two versions ago', () => {
    const a = { type: 'object', properties: { n: { type: 'integer' } } };
    const b = { type: 'object', properties: { n: { type: 'number' } } };
    const hist = [
      { version: 1, schema: a },
      { version: 2, schema: b },
    ];
    expect(checkCompatibility(hist, b, 'FORWARD').compatible).toBe(true);
    const transitive = checkCompatibility(hist, b, 'FORWARD_TRANSITIVE');
    expect(transitive.reasons.map((r) => [r.rule, r.againstVersion])).toEqual([['type.widened', 1]]);
  });

  it('FULL_TRANSITIVE reports both directions against each version', () => {
    const result = checkCompatibility(
      history,
      { type: 'object', properties: { id: { type: 'integer' } } },
      'FULL_TRANSITIVE',
    );
    const seen = new Set(result.reasons.map((r) => `${r.direction}@${r.againstVersion}`));
    expect(seen).toEqual(new Set(['backward@1', 'forward@1', 'backward@2', 'forward@2']));
  });

  it('NONE is always compatible', () => {
    expect(checkCompatibility(history, false, 'NONE')).toEqual({
      compatible: true,
      reasons: [],
      checkedVersions: [],
    });
  });

  it('a first version has nothing to be compatible with', () => {
    expect(checkCompatibility([], v1, 'FULL_TRANSITIVE').compatible).toBe(true);
  });
});

describe('reasons', () => {
  it('name the path, rule, direction, fragments and a sentence', () => {
    const [reason] = checkCompatibility(history, v3, 'BACKWARD_TRANSITIVE').reasons;
    expect(reason).toEqual({
      path: '$.properties.plan',
      rule: 'required.added',
      direction: 'backward',
      againstVersion: 1,
      oldFragment: [],
      newFragment: ['plan'],
      message:
        "Property 'plan' became required: events written with v1 may lack it, so readers of v3 would reject them.",
    });
  });

  it('speak about old readers in the forward direction', () => {
    const [reason] = checkCompatibility(history, v1, 'FORWARD').reasons;
    expect(reason?.rule).toBe('required.removed');
    expect(reason?.message).toBe(
      "Property 'plan' is no longer required: events written with v3 may lack it, so readers still on v2 would reject them.",
    );
  });

  it('carry nested paths through $ref, arrays and odd property names', () => {
    const old = {
      $defs: { item: { type: 'object', properties: { 'unit price': { type: 'number' } } } },
      type: 'object',
      properties: {
        order: { type: 'object', properties: { lines: { type: 'array', items: { $ref: '#/$defs/item' } } } },
      },
    };
    const next = structuredClone(old);
    next.$defs.item.properties['unit price'] = { type: 'integer' };
    const [reason] = checkCompatibility([{ version: 4, schema: old }], next, 'BACKWARD').reasons;
    expect(reason?.path).toBe('$.properties.order.properties.lines.items.properties["unit price"]');
    expect(reason?.message).toContain(`'order.lines[]["unit price"]'`);
    expect(reason?.message).toMatch(
      /narrowed from "number" to "integer": events written with v4 may hold number/,
    );
  });

  it('say when a change cannot be decided statically', () => {
    const result = checkCompatibility(
      [{ version: 1, schema: { type: 'string', pattern: '^a' } }],
      { type: 'string', pattern: '^b' },
      'BACKWARD',
    );
    expect(result.reasons[0]?.message).toContain('cannot be decided statically');
  });

  it('survive mutually recursive schemas', () => {
    const s = {
      $defs: {
        a: { type: 'object', properties: { b: { $ref: '#/$defs/b' } } },
        b: { type: 'object', properties: { a: { $ref: '#/$defs/a' } }, allOf: [{ $ref: '#/$defs/a' }] },
      },
      $ref: '#/$defs/a',
    };
    expect(checkCompatibility([{ version: 1, schema: s }], structuredClone(s), 'FULL').compatible).toBe(true);
  });

  it('report a reference that does not resolve', () => {
    const result = checkCompatibility(
      [{ version: 1, schema: { type: 'string' } }],
      { $ref: 'https://example.com/s.json' },
      'BACKWARD',
    );
    expect(result.reasons.map((r) => r.rule)).toEqual(['ref.unresolvable']);
  });
});
