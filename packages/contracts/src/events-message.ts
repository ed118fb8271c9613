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

/**
 * What makes two envelopes the same event: the source that sent it, its type and its
 * event_id. The source is part of it so that one source's key can never stand in for (and, in
 * a ReplacingMergeTree, overwrite) another source's event that happens to share an event_id.
 * The same triple is the `events` table's sorting key (migration 0006) and what the workers'
 * dedupe remembers (docs/decisions/event-identity.md).
 */
export interface EventIdentity {
  source: string;
  event_type: string;
  event_id: string;
}

/**
 * One string per identity, for sets and Redis members. JSON keeps it unambiguous whatever
 * characters a source name or event_id holds (a plain separator could be forged inside one).
 */
export function eventIdentityKey(e: EventIdentity): string {
  return JSON.stringify([e.source, e.event_type, e.event_id]);
}
