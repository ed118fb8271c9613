import { describe, expect, it } from 'vitest';
import { checkEventsAgainst } from './traffic-check.ts';

const schema = {
  type: 'object',
  properties: {
    plan: { type: 'string' },
    email: { type: 'string', format: 'email' },
    address: {
      type: 'object',
      properties: { city: { type: 'string' } },
      additionalProperties: false,
    },
  },
  required: ['plan'],
  additionalProperties: false,
};

describe('checkEventsAgainst', () => {
  it('names the offending property when additionalProperties is false, at every depth', () => {
    const r = checkEventsAgainst(schema, [
      { event_id: 'ok', data: { plan: 'pro' } },
      { event_id: 'extra', data: { plan: 'pro', coupon: 'X', address: { city: 'Oslo', zip: '0150' } } },
    ]);
    expect(r).toMatchObject({ checked: 2, failing: 1 });
    expect(r.examples[0]?.event_id).toBe('extra');
    expect(r.examples[0]?.messages).toEqual([
      '/ has property "coupon", which the schema does not allow (additionalProperties: false)',
      '/address has property "zip", which the schema does not allow (additionalProperties: false)',
    ]);
  });

  it('reports every error of an event (allErrors) and checks formats', () => {
    const r = checkEventsAgainst(schema, [{ event_id: 'e', data: { email: 'not-an-email', plan: 3 } }]);
    expect(r.examples[0]?.messages).toEqual(['/plan must be string', '/email must match format "email"']);
  });

  it('counts every failure but keeps only maxExamples', () => {
    const events = Array.from({ length: 30 }, (_, i) => ({
      event_id: `e${i}`,
      data: i % 2 === 0 ? {} : { plan: 'x' },
    }));
    const r = checkEventsAgainst(schema, events, 3);
    expect(r).toMatchObject({ checked: 30, failing: 15 });
    expect(r.examples.map((e) => e.event_id)).toEqual(['e0', 'e2', 'e4']);
    expect(r.examples[0]?.messages).toEqual(["/ must have required property 'plan'"]);
  });

  it('answers bad_request for a schema ajv cannot compile', () => {
    expect(() => checkEventsAgainst({ $ref: '#/$defs/missing' }, [])).toThrow(/cannot be compiled/);
  });
});
