import { describe, expect, it } from 'vitest';
import { sortEvents } from './sort-events.ts';

const key = { id: 'wk1', sourceId: 's1', sourceName: 'web' };

describe('sortEvents', () => {
  it('completes accepted events and keeps rejected ones as dead letters with their index', () => {
    const raw = [
      {
        value: { event_type: 'a', event_id: 'keep-me' },
        text: '{"event_type":"a","event_id":"keep-me"}',
        depth: 1,
      },
      { value: { event_id: 'bad-1' }, text: '{"event_id":"bad-1"}', depth: 1 },
      { value: { event_type: 'b' }, text: '{"event_type":"b"}', depth: 1 },
    ];
    const at = new Date('2026-11-22T00:00:00.000Z');
    const out = sortEvents(raw, key, at);
    expect(out.accepted).toHaveLength(2);
    expect(out.accepted[0]).toMatchObject({
      event_id: 'keep-me',
      source: 'web',
      write_key_id: 'wk1',
      received_at: at.toISOString(),
      timestamp: at.toISOString(),
      data: {},
    });
    expect(out.accepted[1]!.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.deadLetters).toHaveLength(1);
    expect(out.deadLetters[0]).toMatchObject({
      event_id: 'bad-1',
      stage: 'ingest',
      code: 'invalid_envelope',
      payload: '{"event_id":"bad-1"}',
      source: 'web',
    });
    expect(out.results[1]).toMatchObject({ index: 1, status: 'rejected', event_id: 'bad-1' });
  });

  it('names the id it gave a rejected event that had none, the one its dead letter holds', () => {
    const out = sortEvents([{ value: { data: {} }, text: '{"data":{}}', depth: 2 }], key, new Date());
    expect(out.results[0]).toMatchObject({ index: 0, status: 'rejected', code: 'invalid_envelope' });
    expect(out.results[0]!.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.results[0]!.event_id).toBe(out.deadLetters[0]!.event_id);
  });
});
