import { describe, expect, it } from 'vitest';
import { columnFields, schemaFields } from './schema-fields.ts';

describe('schemaFields', () => {
  it('lists root fields, typed data paths from every schema, and common metadata', () => {
    const fields = schemaFields([
      {
        eventType: 'purchase',
        schema: {
          type: 'object',
          properties: {
            amount: { type: 'number' },
            qty: { type: ['integer', 'null'] },
            plan: { type: 'string' },
            at: { type: 'string', format: 'date-time' },
            address: { type: 'object', properties: { city: { type: 'string' } } },
            'bad-key': { type: 'string' },
          },
        },
      },
      {
        eventType: 'refund',
        schema: { properties: { amount: { type: 'string' }, reason: { type: 'string' } } },
      },
    ]);
    const by = new Map(fields.map((f) => [f.path, f]));
    expect(by.get('event_type')).toMatchObject({ type: 'string', numeric: false });
    expect(by.get('data.qty')).toMatchObject({ type: 'number', numeric: true, from: ['purchase'] });
    expect(by.get('data.at')?.type).toBe('datetime');
    expect(by.get('data.address.city')?.type).toBe('string');
    // Typed differently by two event types: not offered as numeric.
    expect(by.get('data.amount')).toMatchObject({
      type: 'unknown',
      numeric: false,
      from: ['purchase', 'refund'],
    });
    expect(by.has('data.bad-key')).toBe(false);
    expect(by.has('metadata.ip')).toBe(true);
  });

  it("types a processor table's columns from ClickHouse types", () => {
    expect(
      columnFields('proc_orders', [
        { name: 'amount', type: 'Nullable(Float64)' },
        { name: 'source', type: 'LowCardinality(String)' },
        { name: 'timestamp', type: 'DateTime64(3)' },
      ]).map((f) => [f.path, f.type, f.numeric]),
    ).toEqual([
      ['amount', 'number', true],
      ['source', 'string', false],
      ['timestamp', 'datetime', false],
    ]);
  });
});
