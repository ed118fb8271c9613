import { Admin as PltAdmin } from '@platformatic/kafka';
import { syncAcls } from './acls.ts';
import { installClientGuards } from './client-guards.ts';
import { hasProtocolError } from './errors.ts';
import type { Admin, KafkaSasl } from './types.ts';

export interface CreateAdminOptions {
  brokers: string[];
  clientId: string;
  sasl?: KafkaSasl;
  /** How long ensureTopics waits for new topics to have leaders. Default 15000. */
  topicReadyTimeoutMs?: number;
}

// ListOffsets timestamps with special meaning.
const LATEST = -1n;
const EARLIEST = -2n;

export function createAdmin(opts: CreateAdminOptions): Admin {
  installClientGuards();
  const client = new PltAdmin({
    clientId: opts.clientId,
    bootstrapBrokers: opts.brokers,
    ...(opts.sasl ? { sasl: { ...opts.sasl } } : {}),
    connectTimeout: 3000,
    retries: 3,
    retryDelay: 250,
  });
  const readyTimeoutMs = opts.topicReadyTimeoutMs ?? 15_000;

  const partitionCount = async (topic: string): Promise<number> => {
    const meta = await client.metadata({ topics: [topic], forceUpdate: true });
    const t = meta.topics.get(topic);
    if (!t) throw new Error(`topic ${topic} does not exist`);
    return t.partitionsCount;
  };

  return {
    partitionCount,
    async ensureTopics(specs) {
      const existing = new Set(await client.listTopics());
      const missing = specs.filter((s) => !existing.has(s.name));
      for (const spec of missing) {
        try {
          await client.createTopics({
            topics: [spec.name],
            partitions: spec.partitions,
            replicas: 1,
            configs: Object.entries(spec.config).map(([name, value]) => ({ name, value })),
          });
        } catch (err) {
          // Another process (a second service starting at the same time) created it first.
          if (!hasProtocolError(err, 'TOPIC_ALREADY_EXISTS')) throw err;
        }
      }
      if (missing.length === 0) return;
      // Creation is asynchronous on the broker: wait until every partition has a leader, so the
      // first send after ensureTopics does not fail with UNKNOWN_TOPIC_OR_PARTITION.
      const deadline = Date.now() + readyTimeoutMs;
      const names = missing.map((s) => s.name);
      for (;;) {
        try {
          const meta = await client.metadata({ topics: names, forceUpdate: true });
          const ready = missing.every((s) => {
            const t = meta.topics.get(s.name);
            return t && t.partitionsCount === s.partitions && t.partitions.every((p) => p && p.leader >= 0);
          });
          if (ready) return;
        } catch {
          // not visible yet
        }
        if (Date.now() > deadline)
          throw new Error(`topics not ready after ${readyTimeoutMs} ms: ${names.join(', ')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },

    async deleteTopics(names) {
      const existing = new Set(await client.listTopics());
      const present = names.filter((n) => existing.has(n));
      if (present.length === 0) return;
      try {
        await client.deleteTopics({ topics: present });
      } catch (err) {
        if (!hasProtocolError(err, 'UNKNOWN_TOPIC_OR_PARTITION')) throw err;
      }
    },

    async listTopics() {
      return (await client.listTopics()).sort();
    },

    async consumerLag(groupId, topic) {
      const partitions = await partitionCount(topic);
      const indexes = Array.from({ length: partitions }, (_, i) => i);
      const [latest, earliest, committed] = await Promise.all([
        client.listOffsets({
          topics: [
            {
              name: topic,
              partitions: indexes.map((partitionIndex) => ({ partitionIndex, timestamp: LATEST })),
            },
          ],
        }),
        client.listOffsets({
          topics: [
            {
              name: topic,
              partitions: indexes.map((partitionIndex) => ({ partitionIndex, timestamp: EARLIEST })),
            },
          ],
        }),
        client.listConsumerGroupOffsets({
          groups: [{ groupId, topics: [{ name: topic, partitionIndexes: indexes }] }],
        }),
      ]);
      const offsetsOf = (r: typeof latest) =>
        new Map((r[0]?.partitions ?? []).map((p) => [p.partitionIndex, p.offset]));
      const end = offsetsOf(latest);
      const start = offsetsOf(earliest);
      const done = new Map(
        (committed[0]?.topics.find((t) => t.name === topic)?.partitions ?? []).map((p) => [
          p.partitionIndex,
          p.committedOffset,
        ]),
      );
      let lag = 0n;
      for (const i of indexes) {
        const e = end.get(i) ?? 0n;
        // No commit yet: the group will start at the log start (fromBeginning), so all of it is lag.
        const c = done.get(i) ?? -1n;
        const from = c >= 0n ? c : (start.get(i) ?? 0n);
        if (e > from) lag += e - from;
      }
      return Number(lag);
    },

    syncAcls: (principals, grants) => syncAcls(client, principals, grants),

    async close() {
      await client.close();
    },
  };
}
