import { encodeEventsMessage } from '@tributary/contracts';
import type { OutgoingMessage } from '@tributary/kafka';

/**
 * Packs queued events (one message each, partition chosen from the event_id) into one Kafka
 * message per partition whose value is the JSON array of their envelopes. The first event's
 * headers travel on the message; every envelope also carries its own traceparent.
 */
export function packByPartition(_topic: string, messages: OutgoingMessage[]): OutgoingMessage[] {
  const byPartition = new Map<number, OutgoingMessage[]>();
  for (const m of messages) {
    const p = m.partition ?? 0;
    let list = byPartition.get(p);
    if (!list) byPartition.set(p, (list = []));
    list.push(m);
  }
  return [...byPartition].map(([partition, list]) => ({
    partition,
    value: encodeEventsMessage(list.map((m) => String(m.value))),
    ...(list[0]!.headers ? { headers: list[0]!.headers } : {}),
  }));
}
