import { describe, expect, it } from 'vitest';
import { metadataPathsIn } from './context.ts';
import { diffEvents } from './event-diff.ts';
import { dataFieldsOf } from './known-fields.ts';
import { castable } from './output-check.ts';
import { fieldOfTagPath } from './pii-fields.ts';
import { PII_MASK, PiiMasker } from './pii-mask.ts';
import { processorDefinitionSchema } from '@tributary/contracts';

describe('fieldOfTagPath', () => {
  it('maps registry pii tags to dotted event fields', () => {
    expect(fieldOfTagPath('/email')).toBe('data.email');
    expect(fieldOfTagPath('/address/street')).toBe('data.address.street');
    expect(fieldOfTagPath('address.street')).toBe('data.address.street');
    expect(fieldOfTagPath('$.user_id')).toBe('user_id');
    expect(fieldOfTagPath('$.metadata.ip')).toBe('metadata.ip');
    expect(fieldOfTagPath('$/metadata/client/ip')).toBe('metadata.client.ip');
    expect(fieldOfTagPath('$.data.email')).toBe('data.email');
    expect(fieldOfTagPath('$.event_type')).toBeNull();
    expect(fieldOfTagPath('$.user_id.x')).toBeNull();
  });
});

describe('dataFieldsOf', () => {
  it('lists declared properties, nested, in branches and array items', () => {
    const fields = dataFieldsOf({
      type: 'object',
      properties: {
        plan: { type: 'string' },
        address: { type: 'object', properties: { city: { type: 'string' } } },
        items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } } } },
      },
      anyOf: [{ properties: { coupon: { type: 'string' } } }],
    });
    expect([...fields].sort()).toEqual([
      'data',
      'data.address',
      'data.address.city',
      'data.coupon',
      'data.items',
      'data.items.sku',
      'data.plan',
    ]);
  });
});

describe('metadataPathsIn', () => {
  it('finds the metadata paths a definition names, defaults included', () => {
    const def = processorDefinitionSchema.parse({
      inputs: {},
      steps: [
        { id: 'ua', kind: 'enrich_ua' },
        { id: 'f', kind: 'filter', expression: 'metadata.client.version > 2 && metadata["x-ref"] != ""' },
      ],
      output: { kind: 'events' },
    });
    expect([...metadataPathsIn(def)].sort()).toEqual([
      'metadata.client',
      'metadata.client.version',
      'metadata.user_agent',
      'metadata.x-ref',
    ]);
  });
});

describe('diffEvents', () => {
  it('lists changed leaves only', () => {
    const before = { data: { a: 1, b: { c: 2 }, list: [1] }, derived: {} };
    const after = { data: { a: 1, b: { c: 3 }, list: [1, 2] }, derived: { geo: { country: 'NL' } } };
    expect(diffEvents(before, after)).toEqual([
      { path: 'data.b.c', change: 'changed', before: 2, after: 3 },
      { path: 'data.list', change: 'changed', before: [1], after: [1, 2] },
      { path: 'derived.geo', change: 'added', after: { country: 'NL' } },
    ]);
    expect(diffEvents({ data: { a: 1 } }, { data: {} })).toEqual([
      { path: 'data.a', change: 'removed', before: 1 },
    ]);
  });

  it('is bounded', () => {
    const after = { data: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i])) };
    expect(diffEvents({ data: {} }, after, 50)).toHaveLength(50);
  });
});

describe('PiiMasker', () => {
  it('masks pii fields by path and copies of their values anywhere', () => {
    const m = new PiiMasker();
    const before = { data: { email: 'a@example.test', n: 1 }, user_id: 'u-1' };
    m.learn(before, ['data.email']);
    expect(m.mask(before, ['data.email'])).toEqual({ data: { email: PII_MASK, n: 1 }, user_id: 'u-1' });
    const after = { data: { contact: 'a@example.test', n: 1 }, derived: { who: ['a@example.test'] } };
    expect(m.mask(after)).toEqual({ data: { contact: PII_MASK, n: 1 }, derived: { who: [PII_MASK] } });
    // The input is not changed.
    expect(before.data.email).toBe('a@example.test');
  });

  it('matches short values by path only', () => {
    const m = new PiiMasker();
    m.learn({ data: { code: '1' } }, ['data.code']);
    expect(m.mask({ data: { other: '1' } })).toEqual({ data: { other: '1' } });
  });
});

describe('castable', () => {
  it('says whether a value can be stored as a column type', () => {
    expect(castable('x', 'String')).toBe(true);
    expect(castable({}, 'String')).toBe(false);
    expect(castable('1.5', 'Float64')).toBe(true);
    expect(castable('lots', 'Float64')).toBe(false);
    expect(castable(3, 'Int64')).toBe(true);
    expect(castable(3.5, 'Int64')).toBe(false);
    expect(castable('42', 'Int64')).toBe(true);
    expect(castable('true', 'Bool')).toBe(true);
    expect(castable('yes', 'Bool')).toBe(false);
    expect(castable('2026-01-01T00:00:00Z', 'DateTime64')).toBe(true);
    expect(castable('soon', 'DateTime64')).toBe(false);
  });
});
