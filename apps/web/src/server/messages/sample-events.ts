import { encodeEventsMessage, HEADERS, partitionForEventId, type Envelope } from '@tributary/contracts';
import type { OutgoingMessage, Producer } from '@tributary/kafka';

/**
 * Events packed as ingest packs them (one message per partition per batch, a JSON array of
 * envelopes, the first event's traceparent as the message header), for the browser's
 * integration test and bench. One event, the needle, carries `data.plan = NEEDLE_PLAN`.
 */
export const NEEDLE_PLAN = 'needle-plan';

export interface SampleOptions {
  events: number;
  partitions: number;
  /** Envelopes per message (per partition per batch); 1 gives one message per event. */
  perMessage: number;
  /** Index (0-based) of the needle among the events; omitted: no needle. */
  needleAt?: number;
  eventType?: string;
  idPrefix?: string;
}

export function traceparentFor(i: number): string {
  return `00-${i.toString(16).padStart(32, '0')}-${'1'.repeat(16)}-01`;
}

export function sampleEnvelope(
  i: number,
  opts: Pick<SampleOptions, 'needleAt' | 'eventType' | 'idPrefix'>,
): Envelope {
  const at = new Date(Date.UTC(2026, 11, 1, 0, 0, 0) + i).toISOString();
  return {
    event_id: `${opts.idPrefix ?? 'ev'}-${i}`,
    event_type: opts.eventType ?? 'page_view',
    timestamp: at,
    user_id: `user-${i % 997}`,
    data: {
      plan: i === opts.needleAt ? NEEDLE_PLAN : i % 3 === 0 ? 'pro' : 'free',
      n: i,
      path: `/p/${i % 50}`,
    },
    metadata: { app: 'web', ip: '198.51.100.7' },
    schema_version: null,
    source: 'demo',
    write_key_id: 'wk-sample',
    received_at: at,
    traceparent: traceparentFor(i),
  };
}

/** The messages of `opts.events` events, in production order. */
export function sampleMessages(opts: SampleOptions): OutgoingMessage[] {
  const out: OutgoingMessage[] = [];
  const pending = new Map<number, Envelope[]>();
  const flush = (p: number) => {
    const list = pending.get(p);
    if (!list || list.length === 0) return;
    out.push({
      partition: p,
      value: encodeEventsMessage(list.map((e) => JSON.stringify(e))),
      headers: { [HEADERS.traceparent]: list[0]!.traceparent! },
    });
    pending.set(p, []);
  };
  for (let i = 0; i < opts.events; i++) {
    const e = sampleEnvelope(i, opts);
    const p = partitionForEventId(e.event_id, opts.partitions);
    const list = pending.get(p) ?? [];
    list.push(e);
    pending.set(p, list);
    if (list.length >= opts.perMessage) flush(p);
  }
  for (const p of pending.keys()) flush(p);
  return out;
}

/** Sends in chunks that keep each partition's batch well under the broker's 1 MB message limit. */
export async function produceAll(
  producer: Producer,
  topic: string,
  messages: OutgoingMessage[],
): Promise<void> {
  const chunk = 40;
  for (let i = 0; i < messages.length; i += chunk) await producer.send(topic, messages.slice(i, i + chunk));
}
