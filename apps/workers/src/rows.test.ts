import { describe, expect, it } from 'vitest';
import { chTime, toEventRow } from './rows.ts';

describe('rows', () => {
  it('formats times the way ClickHouse DateTime64 parses them, in UTC', () => {
    expect(chTime('2026-11-22T10:11:12.345Z')).toBe('2026-11-22 10:11:12.345');
    expect(chTime('2026-11-22T11:11:12.345+01:00')).toBe('2026-11-22 10:11:12.345');
  });

  it('maps an envelope to an events row', () => {
    const row = toEventRow(
      {
        event_id: 'e1',
        event_type: 'page_view',
        timestamp: '2026-11-22T10:00:00.000Z',
        user_id: null,
        data: { a: { b: 1 } },
        metadata: {},
        schema_version: null,
        source: 'web',
        write_key_id: 'k',
        received_at: '2026-11-22T10:00:01.000Z',
      },
      new Date('2026-11-22T10:00:02.000Z'),
    );
    expect(row).toEqual({
      event_id: 'e1',
      event_type: 'page_view',
      timestamp: '2026-11-22 10:00:00.000',
      user_id: null,
      data: { a: { b: 1 } },
      metadata: {},
      source: 'web',
      schema_version: null,
      received_at: '2026-11-22 10:00:01.000',
      processed_at: '2026-11-22 10:00:02.000',
    });
  });
});
