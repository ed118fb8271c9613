/**
 * The events topic carries *batches*: each Kafka message is a JSON array of envelopes whose
 * event_ids all map to that message's partition. Per-message costs in the client and the
 * broker dominate at small sizes (see docs/decisions/events-message-format.md), and keeping
 * every event_id on one partition keeps all copies of an event with one consumer, in order.
 * A message holding a single envelope object (not an array) is accepted too, e.g. a replay.
 */

/** Which partition an event_id belongs to: FNV-1a 32-bit over UTF-16 code units, mod n. */
export function partitionForEventId(eventId: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < eventId.length; i++) {
    h ^= eventId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

/** Joins already-serialised envelopes into one message value. */
export function encodeEventsMessage(serialisedEnvelopes: string[]): string {
  return `[${serialisedEnvelopes.join(',')}]`;
}

/** The items of an events message (envelopes still to be validated), or an error. */
export function decodeEventsMessage(
  value: Buffer,
): { ok: true; items: unknown[] } | { ok: false; reason: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  return { ok: true, items: Array.isArray(parsed) ? parsed : [parsed] };
}
