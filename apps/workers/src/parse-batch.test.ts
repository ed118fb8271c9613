import type { Envelope } from '@tributary/contracts';
import type { IncomingMessage } from '@tributary/kafka';
import { describe, expect, it } from 'vitest';
import { deadLetterFor } from './parse-batch.ts';

const message: IncomingMessage = {
  topic: 't.events',
  partition: 2,
  offset: '41',
  key: 'ev-1',
  value: Buffer.from('{}'),
  headers: {},
  timestamp: Date.parse('2026-11-22T00:00:00Z'),
};

const envelope: Envelope = {
  event_id: 'ev-1',
  event_type: 'purchase',
  timestamp: '2026-11-21T00:00:00.000Z',
  user_id: null,
  data: {},
  metadata: {},
  schema_version: 1,
  source: 'shop',
  write_key_id: 'wk',
  received_at: '2026-11-22T00:00:00.000Z',
};

describe('deadLetterFor', () => {
  it('starts a first failure at one attempt', () => {
    const d = deadLetterFor(message, { stage: 'sink', code: 'insert_rejected', reason: 'bad', envelope });
    expect(d).toMatchObject({ attempts: 1, replay_of: null, origin_topic: 't.events', origin_offset: '41' });
    expect(d.first_failed_at).toBe(d.failed_at);
  });

  it('continues a replayed event: attempts raised, first failure kept, the replayed entry named', () => {
    const replayed = {
      ...envelope,
      replay: {
        replay_id: 'r1',
        dead_letter_id: 'dl-1',
        attempts: 2,
        first_failed_at: '2026-11-20T00:00:00.000Z',
      },
    };
    const d = deadLetterFor(message, {
      stage: 'sink',
      code: 'insert_rejected',
      reason: 'bad',
      envelope: replayed,
    });
    expect(d).toMatchObject({ attempts: 3, replay_of: 'dl-1', first_failed_at: '2026-11-20T00:00:00.000Z' });
  });
});
