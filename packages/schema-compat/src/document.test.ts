import { describe, expect, it } from 'vitest';
import { MAX_SCHEMA_BYTES, validateSchemaDocument } from './document.ts';

describe('validateSchemaDocument', () => {
  it('accepts a draft 2020-12 schema with local refs, formats and vendor annotations', () => {
    expect(
      validateSchemaDocument({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $defs: { email: { type: 'string', format: 'email' } },
        type: 'object',
        properties: {
          to: { $ref: '#/$defs/email' },
          tags: { type: 'array', prefixItems: [{ type: 'string' }] },
        },
        'x-owner': 'growth',
      }),
    ).toEqual({ ok: true });
  });

  it.each([[true], [false], [null], [[]], ['{"type":"object"}'], [42]])(
    'refuses %j: not an object',
    (value) => {
      const result = validateSchemaDocument(value);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors[0]).toMatch(/must be a JSON object/);
    },
  );

  it('refuses a keyword of the wrong type', () => {
    expect(validateSchemaDocument({ type: 'object', properties: { a: { minLength: 'three' } } })).toEqual({
      ok: false,
      errors: ['At /properties/a/minLength: must be integer.'],
    });
  });

  it('refuses an unknown type name', () => {
    const result = validateSchemaDocument({ type: 'text' });
    expect(result.ok).toBe(false);
  });

  it('refuses unknown keywords (typos) and unknown formats', () => {
    expect(validateSchemaDocument({ type: 'object', requried: ['a'] }).ok).toBe(false);
    expect(validateSchemaDocument({ type: 'string', format: 'emial' }).ok).toBe(false);
  });

  it('refuses an unresolvable $ref', () => {
    expect(
      validateSchemaDocument({ type: 'object', properties: { a: { $ref: '#/$defs/missing' } } }),
    ).toEqual({
      ok: false,
      errors: [
        'Unresolvable $ref "#/$defs/missing": only references inside this schema (e.g. "#/$defs/name") are supported.',
      ],
    });
    expect(validateSchemaDocument({ $ref: 'https://example.com/other.json' }).ok).toBe(false);
  });

  it('refuses another draft', () => {
    const result = validateSchemaDocument({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatch(/draft 2020-12/);
  });

  it('refuses a 1 MB schema with the size and the limit in the message', () => {
    const properties: Record<string, unknown> = {};
    for (let i = 0; i < 20_000; i++)
      properties[`field_${i}`] = { type: 'string', description: 'x'.repeat(20) };
    const schema = { type: 'object', properties };
    const size = Buffer.byteLength(JSON.stringify(schema));
    expect(size).toBeGreaterThan(1_000_000);
    const result = validateSchemaDocument(schema);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toEqual([
        `The schema is ${size.toLocaleString('en')} bytes of JSON; the limit is 262,144 bytes (256 KiB).`,
      ]);
    }
    expect(MAX_SCHEMA_BYTES).toBe(262_144);
  });
});
