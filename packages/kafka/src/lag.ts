import type { Consumer, Admin as PltAdmin } from '@platformatic/kafka';

/** How long reading one partition's next-message timestamp may take before the view shows "unknown". */
export const NEXT_MESSAGE_TIMEOUT_MS = 2000;
// One record batch is all that is needed; the broker sends a whole first batch even when it is
// larger (KIP-74), so this bounds the bytes without ever returning nothing.
const PARTITION_MAX_BYTES = 64 * 1024;

/** Messages a group still has to read on a partition; without a commit it starts at the log start. */
export function lagOf(committed: bigint | null, start: bigint, end: bigint): bigint {
  const from = committed !== null && committed >= 0n ? committed : start;
  // A commit below the log start (retention deleted what it had not read) reads from the start.
  const effective = from < start ? start : from;
  return end > effective ? end - effective : 0n;
}

/** Seconds between a message's timestamp and now, never negative (clocks of producers drift). */
export function lagSecondsOf(nextMessageTimestamp: number, now: number): number {
  return Math.max(0, (now - nextMessageTimestamp) / 1000);
}

export interface PartitionPosition {
  topic: string;
  partition: number;
  /** The offset whose message is wanted: the committed offset (or the log start). */
  offset: bigint;
}

/**
 * The timestamp of the first message at or after each position (a compacted or transactional log
 * may have gaps), read with one bounded Fetch per leader. Positions it cannot read in time are
 * absent from the result.
 */
export async function nextMessageTimestamps(
  admin: PltAdmin,
  reader: Consumer,
  positions: PartitionPosition[],
  timeoutMs = NEXT_MESSAGE_TIMEOUT_MS,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (positions.length === 0) return out;
  const topics = [...new Set(positions.map((p) => p.topic))];
  const meta = await admin.metadata({ topics });
  // Grouped by leader: a Fetch goes to the broker that leads the partition.
  const byLeader = new Map<number, Map<string, { topicId: string; parts: PartitionPosition[] }>>();
  for (const pos of positions) {
    const t = meta.topics.get(pos.topic);
    const leader = t?.partitions[pos.partition]?.leader;
    if (!t || leader === undefined || leader < 0) continue;
    const topicsOf = byLeader.get(leader) ?? new Map();
    const entry = topicsOf.get(pos.topic) ?? { topicId: t.id, parts: [] };
    entry.parts.push(pos);
    topicsOf.set(pos.topic, entry);
    byLeader.set(leader, topicsOf);
  }
  const nameById = new Map(topics.map((name) => [meta.topics.get(name)?.id ?? '', name]));
  const wanted = new Map(positions.map((p) => [`${p.topic}\u0000${p.partition}`, p.offset]));
  await Promise.all(
    [...byLeader].map(async ([node, topicsOf]) => {
      const request = reader.fetch({
        node,
        maxWaitTime: 0,
        minBytes: 1,
        maxBytes: PARTITION_MAX_BYTES * 16,
        topics: [...topicsOf.values()].map(({ topicId, parts }) => ({
          topicId,
          partitions: parts.map((p) => ({
            partition: p.partition,
            currentLeaderEpoch: -1,
            fetchOffset: p.offset,
            lastFetchedEpoch: -1,
            partitionMaxBytes: PARTITION_MAX_BYTES,
          })),
        })),
      });
      const response = await withTimeout(request, timeoutMs).catch(() => null);
      if (!response) return;
      for (const t of response.responses) {
        const name = nameById.get(t.topicId);
        if (!name) continue;
        for (const p of t.partitions) {
          const from = wanted.get(`${name}\u0000${p.partitionIndex}`);
          if (from === undefined || p.errorCode !== 0) continue;
          const ts = firstTimestampAtOrAfter(p.records ?? [], from);
          if (ts !== null) out.set(`${name}\u0000${p.partitionIndex}`, ts);
        }
      }
    }),
  );
  return out;
}

interface BatchLike {
  firstOffset: bigint;
  firstTimestamp: bigint;
  maxTimestamp: bigint;
  attributes: number;
  records: { offsetDelta: number; timestampDelta: bigint }[];
}

/** The timestamp of the first record whose offset is ≥ `from` (a batch may start before it). */
export function firstTimestampAtOrAfter(batches: readonly BatchLike[], from: bigint): number | null {
  for (const b of batches)
    for (const r of b.records) {
      if (b.firstOffset + BigInt(r.offsetDelta) < from) continue;
      // Attribute bit 3: LogAppendTime, where the broker's time is the batch's max timestamp.
      return Number((b.attributes & 0x08) !== 0 ? b.maxTimestamp : b.firstTimestamp + r.timestampDelta);
    }
  return null;
}

export const positionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
