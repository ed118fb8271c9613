import { describe, expect, it } from 'vitest';
import { columnValue, contributionRow } from './output-rows.ts';
import type { AggregateLayout } from './layout.ts';

describe('output rows', () => {
  it('fits values to declared column types, NULL when they do not fit', () => {
    expect(columnValue('String', { a: 1 })).toBe('{"a":1}');
    expect(columnValue('String', 5)).toBe('5');
    expect(columnValue('Float64', '2.5')).toBe(2.5);
    expect(columnValue('Float64', 'many')).toBeNull();
    expect(columnValue('Int64', 3.9)).toBe(3);
    expect(columnValue('Int64', 2 ** 60)).toBeNull();
    expect(columnValue('Bool', 'true')).toBeNull();
    expect(columnValue('DateTime64', '2026-01-02T03:04:05.006Z')).toBe('2026-01-02 03:04:05.006');
    expect(columnValue('DateTime64', 'soon')).toBeNull();
  });

  it('turns a contribution into an input-log row', () => {
    const layout: AggregateLayout = {
      format: 1,
      kind: 'aggregate',
      processor: 'p',
      window: { type: 'tumbling', sizeSeconds: 60 },
      groupBy: [
        { name: 'country', field: 'derived.geo.country' },
        { name: 'plan', field: 'data.plan' },
      ],
      measures: [
        { name: 'n', fn: 'count' },
        { name: 'users', fn: 'uniq', field: 'user_id' },
        { name: 'total', fn: 'sum', field: 'data.amount' },
      ],
    };
    const row = contributionRow(layout, 4, '', {
      eventIndex: 0,
      windowStart: Date.parse('2026-01-01T00:01:00Z'),
      windowEnd: Date.parse('2026-01-01T00:02:00Z'),
      groups: { country: 'DE' },
      values: { n: 1, users: 42, total: Number.NaN },
    });
    expect(row).toEqual({
      run: '',
      processor_version: 4,
      window_start: '2026-01-01 00:01:00.000',
      window_end: '2026-01-01 00:02:00.000',
      country: 'DE',
      plan: '',
      m_users: '42',
      m_total: null,
    });
  });
});
