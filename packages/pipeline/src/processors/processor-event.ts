import type { Envelope, ProcessorEvent } from '@tributary/contracts';

export type EnvelopeLike = Pick<
  Envelope,
  'event_id' | 'event_type' | 'source' | 'timestamp' | 'user_id' | 'received_at' | 'data' | 'metadata'
>;

/** The event as processor steps see it, from an events-message envelope; `derived` starts empty. */
export function processorEventOf(envelope: EnvelopeLike): ProcessorEvent {
  return {
    event_id: envelope.event_id,
    event_type: envelope.event_type,
    source: envelope.source,
    timestamp: envelope.timestamp,
    user_id: envelope.user_id,
    received_at: envelope.received_at,
    data: envelope.data,
    metadata: envelope.metadata,
    derived: {},
  };
}
