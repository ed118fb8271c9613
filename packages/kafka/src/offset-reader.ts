import { Consumer as PltConsumer } from '@platformatic/kafka';
import { installClientGuards } from './client-guards.ts';
import type { IncomingMessage, KafkaSasl } from './types.ts';

/**
 * Reads a topic by offset, outside any consumer group: no JoinGroup, no heartbeats, no commits.
 * For tools that look at messages (the console's message browser) and must leave no trace in
 * the cluster and no lag behind. Each call is one request per partition leader, so the caller
 * decides how far to read and can stop between calls.
 */
export interface OffsetReader {
  /** Earliest (log start) and end (next offset to be written) of every partition, in order. */
  watermarks(topic: string): Promise<PartitionWatermarks[]>;
  /**
   * Per partition, the first offset whose message timestamp is ≥ `timestampMs`; null where no
   * message is that new (reading starts at the end then).
   */
  offsetsForTime(topic: string, timestampMs: number): Promise<Map<number, bigint | null>>;
  /** One fetch from each position (offset ≥ position only), bounded by `maxBytes` per partition. */
  fetch(topic: string, positions: FetchPosition[], opts?: FetchLimits): Promise<FetchedPartition[]>;
  close(): Promise<void>;
}

export interface PartitionWatermarks {
  partition: number;
  earliest: bigint;
  end: bigint;
}

export interface FetchPosition {
  partition: number;
  offset: bigint;
}

export interface FetchLimits {
  /** Bytes per partition per fetch (the broker still returns one whole batch if it is larger). */
  maxBytesPerPartition?: number;
  /** How long the broker may wait for data when there is none yet. */
  maxWaitMs?: number;
}

export interface FetchedPartition {
  partition: number;
  messages: IncomingMessage[];
  /** The offset to fetch next (after the last message returned, or the position unchanged). */
  nextOffset: bigint;
  highWatermark: bigint;
}

export interface CreateOffsetReaderOptions {
  brokers: string[];
  clientId: string;
  sasl?: KafkaSasl;
}

// ListOffsets timestamps with special meaning.
const LATEST = -1n;
const EARLIEST = -2n;
// Record batch attribute bit of transaction markers, which carry no user data.
const IS_CONTROL = 0b10_0000;

export function createOffsetReader(opts: CreateOffsetReaderOptions): OffsetReader {
  installClientGuards();
  const client = new PltConsumer({
    clientId: opts.clientId,
    // NOTE: required by the constructor only; nothing here joins, commits or looks the group up.
    groupId: `${opts.clientId}-no-group`,
    bootstrapBrokers: opts.brokers,
    ...(opts.sasl ? { sasl: { ...opts.sasl } } : {}),
    connectTimeout: 3000,
    retries: 2,
    retryDelay: 250,
    autocreateTopics: false,
  });

  const offsetsAt = async (topic: string, timestamp: bigint): Promise<bigint[]> => {
    const res = await client.listOffsets({ topics: [topic], timestamp });
    return res.get(topic) ?? [];
  };

  return {
    async watermarks(topic) {
      const [earliest, end] = await Promise.all([offsetsAt(topic, EARLIEST), offsetsAt(topic, LATEST)]);
      return end.map((e, partition) => ({ partition, earliest: earliest[partition] ?? 0n, end: e }));
    },

    async offsetsForTime(topic, timestampMs) {
      const found = await offsetsAt(topic, BigInt(Math.max(0, Math.floor(timestampMs))));
      // The broker answers -1 for a partition without a message at or after the time.
      return new Map(found.map((o, partition) => [partition, o < 0n ? null : o]));
    },

    async fetch(topic, positions, limits = {}) {
      const meta = await client.metadata({ topics: [topic] });
      const t = meta.topics.get(topic);
      if (!t) throw new Error(`topic ${topic} does not exist`);
      const byLeader = new Map<number, FetchPosition[]>();
      for (const pos of positions) {
        const p = t.partitions[pos.partition];
        if (!p) throw new Error(`topic ${topic} has no partition ${pos.partition}`);
        const list = byLeader.get(p.leader) ?? [];
        list.push(pos);
        byLeader.set(p.leader, list);
      }
      const wanted = new Map(positions.map((p) => [p.partition, p.offset]));
      const maxBytesPerPartition = limits.maxBytesPerPartition ?? 1 << 20;
      const answers = await Promise.all(
        [...byLeader].map(([node, list]) =>
          client.fetch({
            node,
            maxWaitTime: limits.maxWaitMs ?? 100,
            minBytes: 1,
            maxBytes: maxBytesPerPartition * list.length,
            topics: [
              {
                topicId: t.id,
                partitions: list.map((pos) => ({
                  partition: pos.partition,
                  fetchOffset: pos.offset,
                  partitionMaxBytes: maxBytesPerPartition,
                  currentLeaderEpoch: -1,
                  lastFetchedEpoch: -1,
                })),
              },
            ],
          }),
        ),
      );
      const out: FetchedPartition[] = [];
      for (const answer of answers)
        for (const topicAnswer of answer.responses)
          for (const part of topicAnswer.partitions) {
            const from = wanted.get(part.partitionIndex);
            if (from === undefined) continue;
            const messages: IncomingMessage[] = [];
            let nextOffset = from;
            for (const batch of part.records ?? []) {
              const last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
              if (last + 1n > nextOffset) nextOffset = last + 1n;
              if (batch.attributes & IS_CONTROL) continue;
              for (const r of batch.records) {
                const offset = batch.firstOffset + BigInt(r.offsetDelta);
                // A batch starts where it starts: skip what precedes the requested offset.
                if (offset < from) continue;
                const headers: Record<string, string> = {};
                for (const [k, v] of r.headers)
                  if (k) headers[k.toString('utf8')] = v?.toString('utf8') ?? '';
                messages.push({
                  topic,
                  partition: part.partitionIndex,
                  offset: offset.toString(),
                  key: r.key ? r.key.toString('utf8') : null,
                  value: r.value ?? Buffer.alloc(0),
                  headers,
                  timestamp: Number(batch.firstTimestamp + r.timestampDelta),
                });
              }
            }
            out.push({
              partition: part.partitionIndex,
              messages,
              nextOffset,
              highWatermark: part.highWatermark,
            });
          }
      return out;
    },

    async close() {
      await client.close();
    },
  };
}
