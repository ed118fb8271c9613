import { describe, expect, it } from 'vitest';
import { checkCompatibility } from './check.ts';
import type { JsonSchema } from './types.ts';

/**
 * The rule table, as examples. `backward`: can readers of NEW read data written with OLD?
 * `forward`: can readers of OLD read data written with NEW? 'ok' or the rule ids reported.
 */
interface Case {
  name: string;
  old: JsonSchema;
  new: JsonSchema;
  backward: 'ok' | string[];
  forward: 'ok' | string[];
  why: string;
}

type Props = Record<string, JsonSchema>;
const obj = (properties: Props, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'object',
  properties,
  ...extra,
});
const closed = (properties: Props, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  obj(properties, { additionalProperties: false, ...extra });
const str = { type: 'string' };
const int = { type: 'integer' };
const num = { type: 'number' };

const cases: Case[] = [
  // Properties and content models
  {
    name: 'identical schemas',
    old: obj({ a: str }),
    new: obj({ a: str }),
    backward: 'ok',
    forward: 'ok',
    why: 'Nothing changed.',
  },
  {
    name: 'optional property added, open model',
    old: obj({ a: str }),
    new: obj({ a: str, b: int }),
    backward: 'ok',
    forward: 'ok',
    why: 'Deliberate leniency: producers of an open model are assumed not to send undeclared fields with other meanings (Confluent flags this).',
  },
  {
    name: 'optional property removed, open model',
    old: obj({ a: str, b: int }),
    new: obj({ a: str }),
    backward: 'ok',
    forward: 'ok',
    why: 'The same leniency seen from the other side: an open model lets the field through.',
  },
  {
    name: 'optional property added, closed model',
    old: closed({ a: str }),
    new: closed({ a: str, b: int }),
    backward: 'ok',
    forward: ['property.added.closed_model'],
    why: 'Old data never has b; old readers reject the new b.',
  },
  {
    name: 'optional property removed, closed model',
    old: closed({ a: str, b: int }),
    new: closed({ a: str }),
    backward: ['property.removed.closed_model'],
    forward: 'ok',
    why: 'Old data may carry b, which the new closed model rejects.',
  },
  {
    name: 'required property added',
    old: obj({ a: str }),
    new: obj({ a: str, b: int }, { required: ['b'] }),
    backward: ['required.added'],
    forward: 'ok',
    why: 'Old data may lack b; new data always has it.',
  },
  {
    name: 'required property removed, open model',
    old: obj({ a: str, b: int }, { required: ['b'] }),
    new: obj({ a: str }),
    backward: 'ok',
    forward: ['required.removed'],
    why: 'New data may lack b, which old readers require.',
  },
  {
    name: 'optional property made required',
    old: obj({ a: str }),
    new: obj({ a: str }, { required: ['a'] }),
    backward: ['required.added'],
    forward: 'ok',
    why: 'Old data may omit a.',
  },
  {
    name: 'required property made optional',
    old: obj({ a: str }, { required: ['a'] }),
    new: obj({ a: str }),
    backward: 'ok',
    forward: ['required.removed'],
    why: 'New data may omit a.',
  },
  {
    name: 'model closed',
    old: obj({ a: str }),
    new: closed({ a: str }),
    backward: ['additional_properties.closed'],
    forward: 'ok',
    why: 'Old data may carry undeclared fields.',
  },
  {
    name: 'model opened',
    old: closed({ a: str }),
    new: obj({ a: str }),
    backward: 'ok',
    forward: ['additional_properties.opened'],
    why: 'New data may carry fields old readers forbid.',
  },
  {
    name: 'additionalProperties becomes a schema',
    old: obj({ a: str }),
    new: obj({ a: str }, { additionalProperties: str }),
    backward: ['additional_properties.narrowed'],
    forward: 'ok',
    why: 'Undeclared fields of old data may be of any type.',
  },
  {
    name: 'additionalProperties schema widened',
    old: obj({}, { additionalProperties: str }),
    new: obj({}, { additionalProperties: { type: ['string', 'number'] } }),
    backward: 'ok',
    forward: ['type.widened'],
    why: 'Undeclared values compare like any other subschema.',
  },
  {
    name: 'property declared against a typed rest',
    old: obj({ a: str }, { additionalProperties: str }),
    new: obj({ a: str, b: int }, { additionalProperties: str }),
    backward: ['type.narrowed'],
    forward: ['type.widened'],
    why: 'Old data may hold b as a string (its rest schema); new b is an integer.',
  },
  {
    name: 'unevaluatedProperties false added',
    old: obj({ a: str }),
    new: obj({ a: str }, { unevaluatedProperties: false }),
    backward: ['additional_properties.closed'],
    forward: 'ok',
    why: 'Treated like additionalProperties: false when no composition is involved.',
  },
  {
    name: 'property becomes false',
    old: obj({ a: str }),
    new: obj({ a: false }),
    backward: ['schema.rejects_all'],
    forward: 'ok',
    why: 'New readers reject any a, old data may have one.',
  },
  {
    name: 'patternProperties added to open model',
    old: obj({}),
    new: obj({}, { patternProperties: { '^x_': str } }),
    backward: ['keyword.changed_undecidable'],
    forward: 'ok',
    why: 'Undeclared old fields matching the pattern may be of any type.',
  },
  {
    name: 'same patternProperties on both',
    old: obj({}, { patternProperties: { '^x_': str } }),
    new: obj({}, { patternProperties: { '^x_': str } }),
    backward: 'ok',
    forward: 'ok',
    why: 'Equal pattern schemas.',
  },
  {
    name: 'minProperties raised',
    old: obj({}),
    new: obj({}, { minProperties: 1 }),
    backward: ['object.min_properties.tightened'],
    forward: 'ok',
    why: 'Old data may be an empty object.',
  },
  {
    name: 'maxProperties added',
    old: obj({}),
    new: obj({}, { maxProperties: 3 }),
    backward: ['object.max_properties.tightened'],
    forward: 'ok',
    why: 'Old objects may be larger.',
  },

  // Types
  {
    name: 'integer widened to number',
    old: int,
    new: num,
    backward: 'ok',
    forward: ['type.widened'],
    why: 'Every integer is a number; 1.5 breaks integer readers.',
  },
  {
    name: 'number narrowed to integer',
    old: num,
    new: int,
    backward: ['type.narrowed'],
    forward: 'ok',
    why: 'Old data may hold 1.5.',
  },
  {
    name: 'string made nullable',
    old: str,
    new: { type: ['string', 'null'] },
    backward: 'ok',
    forward: ['type.widened'],
    why: 'Old readers do not expect null.',
  },
  {
    name: 'null dropped from type union',
    old: { type: ['string', 'null'] },
    new: str,
    backward: ['type.narrowed'],
    forward: 'ok',
    why: 'Old data may hold null.',
  },
  {
    name: 'string changed to number',
    old: str,
    new: num,
    backward: ['type.narrowed'],
    forward: ['type.widened'],
    why: 'Disjoint types break both ways.',
  },
  {
    name: 'anyOf of simple types equals a type array',
    old: { anyOf: [str, { type: 'null' }] },
    new: { type: ['string', 'null'] },
    backward: 'ok',
    forward: 'ok',
    why: 'Same set of values, spelled differently.',
  },
  {
    name: 'anyOf integer to oneOf number',
    old: { anyOf: [str, int] },
    new: { oneOf: [str, num] },
    backward: 'ok',
    forward: ['type.widened'],
    why: 'Integers fit the number branch; old readers have no branch for 1.5.',
  },
  {
    name: 'anyOf branch removed',
    old: { anyOf: [str, int, { type: 'boolean' }] },
    new: { anyOf: [str, int] },
    backward: ['type.narrowed'],
    forward: 'ok',
    why: 'Old data may hold a boolean.',
  },
  {
    name: 'type constraint added',
    old: {},
    new: str,
    backward: ['type.narrowed'],
    forward: 'ok',
    why: 'Old data may be any JSON value.',
  },
  {
    name: 'type constraint removed',
    old: str,
    new: {},
    backward: 'ok',
    forward: ['type.widened'],
    why: 'New data may be any JSON value.',
  },
  {
    name: 'oneOf with overlapping branches',
    old: int,
    new: { oneOf: [num, { type: 'integer', minimum: 0 }] },
    backward: ['composition.one_of_undecidable'],
    forward: ['type.widened'],
    why: 'A non-negative integer matches two branches, so oneOf rejects it.',
  },

  // enum and const
  {
    name: 'enum value added',
    old: { type: 'string', enum: ['a', 'b'] },
    new: { type: 'string', enum: ['a', 'b', 'c'] },
    backward: 'ok',
    forward: ['enum.value_added'],
    why: 'Old readers reject c.',
  },
  {
    name: 'enum value removed',
    old: { type: 'string', enum: ['a', 'b'] },
    new: { type: 'string', enum: ['a'] },
    backward: ['enum.value_removed'],
    forward: 'ok',
    why: 'Old data may hold b.',
  },
  {
    name: 'enum introduced',
    old: str,
    new: { type: 'string', enum: ['a'] },
    backward: ['enum.introduced'],
    forward: 'ok',
    why: 'Old strings may be anything.',
  },
  {
    name: 'enum dropped',
    old: { type: 'string', enum: ['a'] },
    new: str,
    backward: 'ok',
    forward: ['enum.dropped'],
    why: 'New strings may be anything.',
  },
  {
    name: 'enum narrowed to const',
    old: { enum: ['a', 'b'] },
    new: { const: 'a' },
    backward: ['const.changed'],
    forward: 'ok',
    why: 'Old data may hold b.',
  },
  {
    name: 'const changed',
    old: { const: 'v1' },
    new: { const: 'v2' },
    backward: ['const.changed'],
    forward: ['const.changed'],
    why: 'Disjoint constants.',
  },
  {
    name: 'const introduced',
    old: str,
    new: { const: 'x' },
    backward: ['const.introduced'],
    forward: 'ok',
    why: 'Old strings may differ from x.',
  },
  {
    name: 'boolean type spelled as enum',
    old: { type: 'boolean' },
    new: { enum: [true, false] },
    backward: 'ok',
    forward: 'ok',
    why: 'Both allow exactly true and false.',
  },
  {
    name: 'integer enum replaced by number type',
    old: { type: 'integer', enum: [1, 2] },
    new: num,
    backward: 'ok',
    forward: ['enum.dropped', 'type.widened'],
    why: 'New data may be 1.5 or 7.',
  },
  {
    name: 'enum with a fraction under an integer type',
    old: { enum: [1, 1.5] },
    new: int,
    backward: ['type.narrowed'],
    forward: ['enum.dropped'],
    why: '1.5 is not an integer; new integers may be 3.',
  },
  {
    name: 'enum values all match a new pattern',
    old: { enum: ['ab', 'cd'] },
    new: { type: 'string', pattern: '^[a-z]+$' },
    backward: 'ok',
    forward: ['enum.dropped'],
    why: 'Finite old values are checked one by one.',
  },
  {
    name: 'enum value too long for a new maxLength',
    old: { enum: ['short', 'much too long'] },
    new: { type: 'string', maxLength: 5 },
    backward: ['string.max_length.tightened'],
    forward: ['enum.dropped'],
    why: "'much too long' exceeds 5 characters.",
  },

  // Nested objects
  {
    name: 'nested property made required',
    old: obj({ address: obj({ zip: str }) }),
    new: obj({ address: obj({ zip: str }, { required: ['zip'] }) }),
    backward: ['required.added'],
    forward: 'ok',
    why: 'Old addresses may lack zip.',
  },
  {
    name: 'deeply nested type narrowed',
    old: obj({ a: obj({ b: obj({ c: num }) }) }),
    new: obj({ a: obj({ b: obj({ c: int }) }) }),
    backward: ['type.narrowed'],
    forward: 'ok',
    why: 'Recursion reaches three levels down.',
  },
  {
    name: 'nested closed model loses a property',
    old: obj({ a: closed({ x: str, y: str }) }),
    new: obj({ a: closed({ x: str }) }),
    backward: ['property.removed.closed_model'],
    forward: 'ok',
    why: 'Old a.y is rejected by the closed new a.',
  },

  // Arrays
  {
    name: 'items type changed',
    old: { type: 'array', items: int },
    new: { type: 'array', items: str },
    backward: ['type.narrowed'],
    forward: ['type.widened'],
    why: 'Elements compare like any other subschema.',
  },
  {
    name: 'items integer widened to number',
    old: { type: 'array', items: int },
    new: { type: 'array', items: num },
    backward: 'ok',
    forward: ['type.widened'],
    why: 'Old readers reject 1.5 elements.',
  },
  {
    name: 'items constraint added',
    old: { type: 'array' },
    new: { type: 'array', items: str },
    backward: ['type.narrowed'],
    forward: 'ok',
    why: 'Old elements may be anything.',
  },
  {
    name: 'items constraint removed',
    old: { type: 'array', items: str },
    new: { type: 'array' },
    backward: 'ok',
    forward: ['type.widened'],
    why: 'New elements may be anything.',
  },
  {
    name: 'prefixItems position added',
    old: { type: 'array', prefixItems: [str] },
    new: { type: 'array', prefixItems: [str, int] },
    backward: ['type.narrowed'],
    forward: 'ok',
    why: 'Old second elements may be anything.',
  },
  {
    name: 'closed tuple extended',
    old: { type: 'array', prefixItems: [str], items: false },
    new: { type: 'array', prefixItems: [str, int], items: false },
    backward: 'ok',
    forward: ['schema.rejects_all'],
    why: 'Old readers accept one element only.',
  },
  {
    name: 'minItems raised',
    old: { type: 'array', minItems: 1 },
    new: { type: 'array', minItems: 2 },
    backward: ['array.min_items.tightened'],
    forward: 'ok',
    why: 'Old arrays may have one element.',
  },
  {
    name: 'maxItems lowered',
    old: { type: 'array', maxItems: 10 },
    new: { type: 'array', maxItems: 5 },
    backward: ['array.max_items.tightened'],
    forward: 'ok',
    why: 'Old arrays may have ten elements.',
  },
  {
    name: 'maxItems removed',
    old: { type: 'array', maxItems: 10 },
    new: { type: 'array' },
    backward: 'ok',
    forward: ['array.max_items.loosened'],
    why: 'New arrays may be longer.',
  },
  {
    name: 'uniqueItems turned on',
    old: { type: 'array' },
    new: { type: 'array', uniqueItems: true },
    backward: ['array.unique_items.tightened'],
    forward: 'ok',
    why: 'Old arrays may repeat elements.',
  },
  {
    name: 'uniqueItems turned off',
    old: { type: 'array', uniqueItems: true },
    new: { type: 'array' },
    backward: 'ok',
    forward: ['array.unique_items.loosened'],
    why: 'New arrays may repeat elements.',
  },

  // Strings
  {
    name: 'minLength raised',
    old: { type: 'string', minLength: 1 },
    new: { type: 'string', minLength: 3 },
    backward: ['string.min_length.tightened'],
    forward: 'ok',
    why: 'Old strings may have one character.',
  },
  {
    name: 'minLength lowered',
    old: { type: 'string', minLength: 3 },
    new: { type: 'string', minLength: 1 },
    backward: 'ok',
    forward: ['string.min_length.loosened'],
    why: 'New strings may be shorter.',
  },
  {
    name: 'maxLength added',
    old: str,
    new: { type: 'string', maxLength: 64 },
    backward: ['string.max_length.tightened'],
    forward: 'ok',
    why: 'Old strings may be longer.',
  },
  {
    name: 'maxLength raised',
    old: { type: 'string', maxLength: 64 },
    new: { type: 'string', maxLength: 128 },
    backward: 'ok',
    forward: ['string.max_length.loosened'],
    why: 'New strings may be longer.',
  },
  {
    name: 'pattern added',
    old: str,
    new: { type: 'string', pattern: '^[a-z]+$' },
    backward: ['string.pattern.added'],
    forward: 'ok',
    why: 'Old strings need not match.',
  },
  {
    name: 'pattern removed',
    old: { type: 'string', pattern: '^[a-z]+$' },
    new: str,
    backward: 'ok',
    forward: ['string.pattern.removed'],
    why: 'New strings need not match.',
  },
  {
    name: 'pattern changed',
    old: { type: 'string', pattern: '^[a-z]+$' },
    new: { type: 'string', pattern: '^[a-z0-9]+$' },
    backward: ['string.pattern.changed'],
    forward: ['string.pattern.changed'],
    why: 'Regex inclusion is not decided; conservative both ways.',
  },
  {
    name: 'pattern unchanged',
    old: { type: 'string', pattern: '^a' },
    new: { type: 'string', pattern: '^a', minLength: 0 },
    backward: 'ok',
    forward: 'ok',
    why: 'Equal patterns; minLength 0 is no constraint.',
  },
  {
    name: 'format added',
    old: str,
    new: { type: 'string', format: 'email' },
    backward: ['string.format.added'],
    forward: 'ok',
    why: 'Old strings need not be e-mail addresses.',
  },
  {
    name: 'format changed',
    old: { type: 'string', format: 'date' },
    new: { type: 'string', format: 'date-time' },
    backward: ['string.format.changed'],
    forward: ['string.format.changed'],
    why: 'Dates and date-times are disjoint.',
  },
  {
    name: 'string constraint on a non-string field',
    old: int,
    new: { type: 'integer', maxLength: 3 },
    backward: 'ok',
    forward: 'ok',
    why: 'maxLength never applies to integers.',
  },

  // Numbers
  {
    name: 'minimum raised',
    old: { type: 'number', minimum: 0 },
    new: { type: 'number', minimum: 10 },
    backward: ['number.minimum.tightened'],
    forward: 'ok',
    why: 'Old numbers may be 5.',
  },
  {
    name: 'minimum made exclusive',
    old: { type: 'number', minimum: 0 },
    new: { type: 'number', exclusiveMinimum: 0 },
    backward: ['number.exclusive_minimum.tightened'],
    forward: 'ok',
    why: 'Old data may hold exactly 0.',
  },
  {
    name: 'integer exclusiveMinimum 0 equals minimum 1',
    old: { type: 'integer', exclusiveMinimum: 0 },
    new: { type: 'integer', minimum: 1 },
    backward: 'ok',
    forward: 'ok',
    why: 'Same integers.',
  },
  {
    name: 'maximum lowered',
    old: { type: 'number', maximum: 100 },
    new: { type: 'number', maximum: 50 },
    backward: ['number.maximum.tightened'],
    forward: 'ok',
    why: 'Old numbers may be 75.',
  },
  {
    name: 'exclusiveMaximum removed',
    old: { type: 'number', exclusiveMaximum: 1 },
    new: num,
    backward: 'ok',
    forward: ['number.exclusive_maximum.loosened'],
    why: 'New numbers may exceed 1.',
  },
  {
    name: 'multipleOf 2 to 4',
    old: { type: 'integer', multipleOf: 2 },
    new: { type: 'integer', multipleOf: 4 },
    backward: ['number.multiple_of.tightened'],
    forward: 'ok',
    why: '6 is a multiple of 2, not of 4.',
  },
  {
    name: 'multipleOf 0.5 on integers',
    old: int,
    new: { type: 'integer', multipleOf: 0.5 },
    backward: 'ok',
    forward: 'ok',
    why: 'Every integer is a multiple of 0.5.',
  },
  {
    name: 'multipleOf removed',
    old: { type: 'number', multipleOf: 0.01 },
    new: num,
    backward: 'ok',
    forward: ['number.multiple_of.loosened'],
    why: 'New numbers may have more decimals.',
  },

  // $ref
  {
    name: 'identical $defs',
    old: { $defs: { a: str }, type: 'object', properties: { x: { $ref: '#/$defs/a' } } },
    new: { $defs: { a: str }, type: 'object', properties: { x: { $ref: '#/$defs/a' } } },
    backward: 'ok',
    forward: 'ok',
    why: 'Refs resolve to equal schemas.',
  },
  {
    name: 'required added inside a $defs target',
    old: { $defs: { addr: obj({ zip: str }) }, ...obj({ home: { $ref: '#/$defs/addr' } }) },
    new: {
      $defs: { addr: obj({ zip: str }, { required: ['zip'] }) },
      ...obj({ home: { $ref: '#/$defs/addr' } }),
    },
    backward: ['required.added'],
    forward: 'ok',
    why: 'Refs are followed on both sides.',
  },
  {
    name: 'inline schema moved into $defs',
    old: obj({ x: str }),
    new: { $defs: { s: str }, ...obj({ x: { $ref: '#/$defs/s' } }) },
    backward: 'ok',
    forward: 'ok',
    why: 'Refactoring into definitions changes nothing.',
  },
  {
    name: 'definitions (draft-07 spelling) narrowed',
    old: { definitions: { n: num }, ...obj({ x: { $ref: '#/definitions/n' } }) },
    new: { definitions: { n: int }, ...obj({ x: { $ref: '#/definitions/n' } }) },
    backward: ['type.narrowed'],
    forward: 'ok',
    why: 'Legacy definitions resolve too.',
  },
  {
    name: 'recursive tree unchanged',
    old: {
      $defs: { node: obj({ children: { type: 'array', items: { $ref: '#/$defs/node' } } }) },
      $ref: '#/$defs/node',
    },
    new: {
      $defs: { node: obj({ children: { type: 'array', items: { $ref: '#/$defs/node' } } }) },
      $ref: '#/$defs/node',
    },
    backward: 'ok',
    forward: 'ok',
    why: 'The cycle guard stops on a pair already under comparison.',
  },
  {
    name: 'recursive tree gains a required field',
    old: {
      $defs: { node: obj({ id: str, children: { type: 'array', items: { $ref: '#/$defs/node' } } }) },
      $ref: '#/$defs/node',
    },
    new: {
      $defs: {
        node: obj(
          { id: str, children: { type: 'array', items: { $ref: '#/$defs/node' } } },
          { required: ['id'] },
        ),
      },
      $ref: '#/$defs/node',
    },
    backward: ['required.added'],
    forward: 'ok',
    why: 'Reported once, at the root of the recursion.',
  },

  // Composition and other keywords
  {
    name: 'allOf part adds a requirement',
    old: obj({ a: str }),
    new: { allOf: [obj({ a: str }), { required: ['a'] }] },
    backward: ['required.added'],
    forward: 'ok',
    why: 'A reader allOf is checked part by part.',
  },
  {
    name: 'not added',
    old: str,
    new: { type: 'string', not: { const: 'x' } },
    backward: ['keyword.changed_undecidable'],
    forward: 'ok',
    why: 'not is only compared for equality; conservative.',
  },
  {
    name: 'same not on both sides',
    old: { type: 'string', not: { const: 'x' } },
    new: { type: 'string', not: { const: 'x' } },
    backward: 'ok',
    forward: 'ok',
    why: 'An equal constraint already holds for the writer.',
  },
  {
    name: 'dependentRequired added',
    old: obj({ a: str, b: str }),
    new: obj({ a: str, b: str }, { dependentRequired: { a: ['b'] } }),
    backward: ['keyword.changed_undecidable'],
    forward: 'ok',
    why: 'Not analysed; conservative.',
  },
  {
    name: 'only annotations changed',
    old: { ...obj({ a: str }), title: 'Old', description: 'x' },
    new: {
      ...obj({ a: { type: 'string', description: 'the a' } }),
      title: 'New',
      examples: [{ a: 'q' }],
      'x-owner': 'team',
    },
    backward: 'ok',
    forward: 'ok',
    why: 'Annotations never reject data.',
  },
];

describe('compatibility rule table', () => {
  it('has at least 60 cases with unique names', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  const rulesOf = (old: JsonSchema, next: JsonSchema, mode: 'BACKWARD' | 'FORWARD'): 'ok' | string[] => {
    const result = checkCompatibility([{ version: 1, schema: old }], next, mode);
    expect(result.compatible).toBe(result.reasons.length === 0);
    return result.compatible ? 'ok' : [...new Set(result.reasons.map((r) => r.rule))].sort();
  };
  const sorted = (v: 'ok' | string[]): 'ok' | string[] => (v === 'ok' ? v : [...v].sort());

  it.each(cases)('$name', (c) => {
    expect(c.why.length).toBeGreaterThan(0);
    expect(rulesOf(c.old, c.new, 'BACKWARD'), `backward: ${c.why}`).toEqual(sorted(c.backward));
    expect(rulesOf(c.old, c.new, 'FORWARD'), `forward: ${c.why}`).toEqual(sorted(c.forward));
    const full = checkCompatibility([{ version: 1, schema: c.old }], c.new, 'FULL');
    expect(full.compatible).toBe(c.backward === 'ok' && c.forward === 'ok');
  });
});
