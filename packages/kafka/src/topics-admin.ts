import {
  ConfigResourceTypes,
  IncrementalAlterConfigOperationTypes,
  type Admin as PltAdmin,
} from '@platformatic/kafka';
import type { NewTopic, TopicInfo, TopicPartitionInfo } from './cluster-types.ts';

// ListOffsets timestamps with special meaning.
export const LATEST_OFFSET = -1n;
export const EARLIEST_OFFSET = -2n;

/** The configs the console shows and changes; the broker's other configs stay out of the view. */
export const SHOWN_TOPIC_CONFIGS = [
  'retention.ms',
  'retention.bytes',
  'cleanup.policy',
  'min.compaction.lag.ms',
  'segment.bytes',
  'min.insync.replicas',
  'message.timestamp.type',
] as const;

type PartitionsOf = Map<string, number[]>;

/** Offsets per topic and partition for one ListOffsets timestamp (or per-partition timestamps). */
export async function listOffsets(
  client: PltAdmin,
  partitions: PartitionsOf,
  timestamp: bigint,
): Promise<Map<string, Map<number, bigint>>> {
  const out = new Map<string, Map<number, bigint>>();
  const topics = [...partitions].filter(([, ps]) => ps.length > 0);
  if (topics.length === 0) return out;
  const result = await client.listOffsets({
    topics: topics.map(([name, ps]) => ({
      name,
      partitions: ps.map((partitionIndex) => ({ partitionIndex, timestamp })),
    })),
  });
  for (const t of result) {
    out.set(t.name, new Map(t.partitions.map((p) => [p.partitionIndex, p.offset])));
  }
  return out;
}

async function sizesOnDisk(
  client: PltAdmin,
  partitions: PartitionsOf,
): Promise<Map<string, Map<number, number>>> {
  const out = new Map<string, Map<number, number>>();
  const topics = [...partitions].map(([name, ps]) => ({ name, partitions: ps }));
  if (topics.length === 0) return out;
  const brokers = await client.describeLogDirs({ topics });
  // Every replica in every log dir counts: that is what the topic takes on disk.
  for (const b of brokers)
    for (const dir of b.results)
      for (const t of dir.topics) {
        const m = out.get(t.name) ?? new Map<number, number>();
        for (const p of t.partitions) {
          if (p.isFutureKey) continue;
          m.set(p.partitionIndex, (m.get(p.partitionIndex) ?? 0) + Number(p.partitionSize));
        }
        out.set(t.name, m);
      }
  return out;
}

async function topicConfigs(
  client: PltAdmin,
  names: string[],
): Promise<Map<string, Record<string, string | null>>> {
  const out = new Map<string, Record<string, string | null>>();
  if (names.length === 0) return out;
  const described = await client.describeConfigs({
    resources: names.map((resourceName) => ({
      resourceType: ConfigResourceTypes.TOPIC,
      resourceName,
      configurationKeys: [...SHOWN_TOPIC_CONFIGS],
    })),
  });
  for (const r of described) {
    out.set(r.resourceName, Object.fromEntries(r.configs.map((c) => [c.name, c.value ?? null])));
  }
  return out;
}

export async function describeTopics(client: PltAdmin, wanted?: string[]): Promise<TopicInfo[]> {
  const all = await client.listTopics();
  const names = (wanted ? wanted.filter((n) => all.includes(n)) : all).sort();
  if (names.length === 0) return [];
  const meta = await client.metadata({ topics: names, forceUpdate: true });
  const partitions: PartitionsOf = new Map();
  for (const name of names) {
    const t = meta.topics.get(name);
    if (t)
      partitions.set(
        name,
        Array.from({ length: t.partitionsCount }, (_, i) => i),
      );
  }
  const [start, end, sizes, configs] = await Promise.all([
    listOffsets(client, partitions, EARLIEST_OFFSET),
    listOffsets(client, partitions, LATEST_OFFSET),
    // The size is a nicety: a principal without DESCRIBE on the cluster still gets the rest.
    sizesOnDisk(client, partitions).catch(() => new Map<string, Map<number, number>>()),
    topicConfigs(client, [...partitions.keys()]),
  ]);
  const topics: TopicInfo[] = [];
  for (const [name, indexes] of partitions) {
    const t = meta.topics.get(name);
    if (!t) continue;
    const ps: TopicPartitionInfo[] = indexes.map((i) => {
      const p = t.partitions[i];
      const size = sizes.get(name)?.get(i);
      return {
        partition: i,
        leader: p?.leader ?? -1,
        replicas: p?.replicas ?? [],
        isr: p?.isr ?? [],
        startOffset: String(start.get(name)?.get(i) ?? 0n),
        endOffset: String(end.get(name)?.get(i) ?? 0n),
        sizeBytes: size ?? null,
      };
    });
    const known = ps.every((p) => p.sizeBytes !== null);
    topics.push({
      name,
      partitions: ps,
      replicationFactor: Math.max(0, ...ps.map((p) => p.replicas.length)),
      configs: configs.get(name) ?? {},
      messages: ps.reduce((n, p) => n + Number(BigInt(p.endOffset) - BigInt(p.startOffset)), 0),
      sizeBytes: known ? ps.reduce((n, p) => n + (p.sizeBytes ?? 0), 0) : null,
    });
  }
  return topics;
}

export async function createTopic(client: PltAdmin, topic: NewTopic): Promise<void> {
  await client.createTopics({
    topics: [topic.name],
    partitions: topic.partitions,
    replicas: topic.replicationFactor,
    configs: Object.entries(topic.configs).map(([name, value]) => ({ name, value })),
  });
}

export async function addPartitions(client: PltAdmin, topic: string, count: number): Promise<void> {
  await client.createPartitions({ topics: [{ name: topic, count }] });
}

export async function setTopicConfigs(
  client: PltAdmin,
  topic: string,
  configs: Record<string, string>,
): Promise<void> {
  await client.incrementalAlterConfigs({
    resources: [
      {
        resourceType: ConfigResourceTypes.TOPIC,
        resourceName: topic,
        configs: Object.entries(configs).map(([name, value]) => ({
          name,
          value,
          configOperation: IncrementalAlterConfigOperationTypes.SET,
        })),
      },
    ],
  });
}
