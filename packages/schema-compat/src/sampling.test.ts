import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { checkCompatibility } from './check.ts';

/**
 * Sanity check of soundness: when the checker calls a simple pair BACKWARD compatible, sampled
 * instances valid under the old schema must be valid under the new one. Instances only use
 * names the old schema declares (plus one name neither declares), because adding a property to
 * an open model is compatible by policy, not by proof.
 */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const names = ['a', 'b', 'c'];

function makeSchema(r: () => number): Record<string, unknown> {
  const pick = <T>(items: T[]): T => items[Math.floor(r() * items.length)] as T;
  const leaf = (): Record<string, unknown> => {
    const type = pick(['string', 'integer', 'number', 'boolean', ['string', 'null']]);
    const s: Record<string, unknown> = { type };
    if (type === 'string' && r() < 0.5) s.maxLength = Math.floor(r() * 4);
    if (type === 'string' && r() < 0.3) s.minLength = Math.floor(r() * 3);
    if ((type === 'integer' || type === 'number') && r() < 0.5) s.minimum = Math.floor(r() * 5) - 2;
    if ((type === 'integer' || type === 'number') && r() < 0.3) s.maximum = Math.floor(r() * 5) + 2;
    if (type === 'integer' && r() < 0.2) s.multipleOf = pick([2, 3]);
    if (type === 'string' && r() < 0.2) s.enum = ['x', 'yy', 'zzz'].slice(0, 1 + Math.floor(r() * 3));
    return s;
  };
  const properties: Record<string, unknown> = {};
  for (const n of names) if (r() < 0.7) properties[n] = leaf();
  const schema: Record<string, unknown> = { type: 'object', properties };
  const required = Object.keys(properties).filter(() => r() < 0.4);
  if (required.length > 0) schema.required = required;
  if (r() < 0.4) schema.additionalProperties = false;
  return schema;
}

/** A random edit of `old`: most edits loosen it, some tighten it. */
function mutate(old: Record<string, unknown>, r: () => number): Record<string, unknown> {
  const next = structuredClone(old);
  const properties = next.properties as Record<string, Record<string, unknown>>;
  for (const leaf of Object.values(properties)) {
    for (const key of Object.keys(leaf)) if (key !== 'type' && r() < 0.3) delete leaf[key];
    if (leaf.type === 'integer' && r() < 0.3) leaf.type = 'number';
    if (r() < 0.1) leaf.maxLength = 2;
    if (r() < 0.1) leaf.minimum = 1;
  }
  if (r() < 0.3) delete next.required;
  if (r() < 0.2) delete next.additionalProperties;
  if (r() < 0.1) next.required = Object.keys(properties);
  return next;
}

function makeValue(r: () => number): unknown {
  const kinds = [
    () => null,
    () => r() < 0.5,
    () => Math.floor(r() * 12) - 4,
    () => Math.floor(r() * 40) / 4 - 3,
    () => ['', 'x', 'yy', 'zzz', 'abcd', 'hello'][Math.floor(r() * 6)],
  ];
  return kinds[Math.floor(r() * kinds.length)]?.();
}

describe('sampled soundness of BACKWARD verdicts', () => {
  it('instances valid under old stay valid under new when judged compatible', () => {
    const ajv = new Ajv2020({ strict: false });
    const r = rng(20240611);
    let compatiblePairs = 0;
    let checkedInstances = 0;
    for (let pair = 0; pair < 400; pair++) {
      const old = makeSchema(r);
      const next = r() < 0.6 ? mutate(old, r) : makeSchema(r);
      if (!checkCompatibility([{ version: 1, schema: old }], next, 'BACKWARD').compatible) continue;
      compatiblePairs++;
      const validOld = ajv.compile(old);
      const validNew = ajv.compile(next);
      const declared = Object.keys(old.properties as object);
      for (let i = 0; i < 60; i++) {
        const instance: Record<string, unknown> = {};
        for (const n of [...declared, 'z']) if (r() < 0.7) instance[n] = makeValue(r);
        if (!validOld(instance)) continue;
        checkedInstances++;
        expect(validNew(instance), JSON.stringify({ old, next, instance })).toBe(true);
      }
    }
    // Guard against a generator that never exercises the property.
    expect(compatiblePairs).toBeGreaterThan(100);
    expect(checkedInstances).toBeGreaterThan(1000);
  });
});
