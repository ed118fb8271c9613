// The console's topic and lag figures against Kafka's own admin tools (kafka-consumer-groups.sh,
// kafka-topics.sh and kafka-get-offsets.sh, run as their classes from Kafka's jars): the numbers
// must be equal, not close.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, uniquePrefix } from '@tributary/testing';
import {
  createAdmin,
  createBatchConsumer,
  createClusterAdmin,
  createProducer,
  GroupActiveError,
  type Admin,
  type BatchConsumer,
  type ClusterAdmin,
  type IncomingMessage,
} from './index.ts';
import { parseToolTable, resolveKafkaToolsJars, runKafkaTool } from './testing/kafka-cli.ts';

let brokers: string[];
let admin: Admin;
let cluster: ClusterAdmin;
let tools: string;
const prefix = uniquePrefix();
const topic = `${prefix}lag-check`;
const group = `${prefix}g-lag`;
// Messages per partition before the group reads, and after it stopped (the lag).
const FIRST = [10, 20, 30];
const LATER = [5, 0, 7];

const CONSUMER_GROUPS = 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand';
const TOPICS = 'org.apache.kafka.tools.TopicCommand';
const OFFSETS = 'org.apache.kafka.tools.GetOffsetShell';

async function produce(counts: number[], tag: string) {
  const producer = createProducer({ brokers, clientId: 'int-cluster-producer' });
  try {
    for (const [partition, n] of counts.entries()) {
      if (n === 0) continue;
      const messages = Array.from({ length: n }, (_, i) => ({
        partition,
        value: `${tag}-${partition}-${i}`,
      }));
      await producer.send(topic, messages);
    }
  } finally {
    await producer.close();
  }
}

function consume(groupId: string, onMessage: (m: IncomingMessage) => void): Promise<BatchConsumer> {
  const consumer = createBatchConsumer({
    brokers,
    clientId: 'int-cluster-consumer',
    groupId,
    topics: [topic],
  });
  return consumer.start(async (batch) => batch.messages.forEach(onMessage)).then(() => consumer);
}

/** kafka-consumer-groups.sh --describe, as partition → row. */
async function toolDescribe(groupId: string) {
  const out = await runKafkaTool(tools, CONSUMER_GROUPS, [
    '--bootstrap-server',
    brokers.join(','),
    '--describe',
    '--group',
    groupId,
  ]);
  return new Map(parseToolTable(out, 'GROUP').map((r) => [Number(r.PARTITION), r]));
}

beforeAll(async () => {
  // The integration run's shared PLAINTEXT broker, so the Java tools need no login config.
  brokers = (inject as (key: string) => string)('kafkaBrokers').split(',');
  admin = createAdmin({ brokers, clientId: 'int-cluster-admin' });
  cluster = createClusterAdmin({ brokers, clientId: 'int-cluster' });
  tools = await resolveKafkaToolsJars();
  await admin.ensureTopics([{ name: topic, partitions: 3, config: { 'retention.ms': '86400000' } }]);
}, 180_000);

afterAll(async () => {
  await admin?.deleteTopics([topic]).catch(() => {});
  await cluster?.close();
  await admin?.close();
}, 60_000);

describe('cluster admin against Kafka’s own tools', () => {
  it('topic partitions, replicas and offsets equal kafka-topics.sh and kafka-get-offsets.sh', async () => {
    await produce(FIRST, 'first');
    const [info] = await cluster.describeTopics([topic]);
    expect(info).toBeDefined();
    const described = await runKafkaTool(tools, TOPICS, [
      '--bootstrap-server',
      brokers.join(','),
      '--describe',
      '--topic',
      topic,
    ]);
    const head = /PartitionCount:\s*(\d+)\s+ReplicationFactor:\s*(\d+)/.exec(described);
    expect(Number(head?.[1])).toBe(info!.partitions.length);
    expect(Number(head?.[2])).toBe(info!.replicationFactor);
    expect(described).toContain('retention.ms=86400000');
    expect(info!.configs['retention.ms']).toBe('86400000');
    const rows = [
      ...described.matchAll(
        /Partition:\s*(\d+)\s+Leader:\s*(-?\d+)\s+Replicas:\s*([\d,]+)\s+Isr:\s*([\d,]*)/g,
      ),
    ];
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      const p = info!.partitions[Number(r[1])]!;
      expect(p.leader).toBe(Number(r[2]));
      expect(p.replicas.join(',')).toBe(r[3]);
      expect(p.isr.join(',')).toBe(r[4]);
    }
    for (const [time, field] of [
      ['-1', 'endOffset'],
      ['-2', 'startOffset'],
    ] as const) {
      const out = await runKafkaTool(tools, OFFSETS, [
        '--bootstrap-server',
        brokers.join(','),
        '--topic',
        topic,
        '--time',
        time,
      ]);
      const byPartition = new Map(
        out
          .trim()
          .split('\n')
          .map((l) => l.split(':'))
          .map((parts) => [Number(parts[1]), parts[2]]),
      );
      for (const p of info!.partitions) expect(p[field]).toBe(byPartition.get(p.partition));
    }
    expect(info!.messages).toBe(FIRST.reduce((a, b) => a + b, 0));
    expect(info!.sizeBytes).toBeGreaterThan(0);
  }, 120_000);

  it('a stopped group’s committed offsets and lag equal kafka-consumer-groups.sh --describe', async () => {
    let seen = 0;
    const consumer = await consume(group, () => seen++);
    await eventually(() => seen >= 60 && admin.consumerLag(group, topic).then((l) => l === 0), 30_000, {
      what: 'group caught up',
    });
    await consumer.stop();
    await produce(LATER, 'later');

    const mine = await eventually(
      async () => {
        const d = await cluster.describeGroup(group);
        return d.members.length === 0 && d.totalLag === 12 ? d : null;
      },
      30_000,
      { what: 'lag of 12 with no members' },
    );
    const theirs = await toolDescribe(group);
    expect(theirs.size).toBe(3);
    for (const p of mine.partitions) {
      const row = theirs.get(p.partition)!;
      expect(p.topic).toBe(row.TOPIC);
      expect(p.committedOffset).toBe(row['CURRENT-OFFSET']);
      expect(p.endOffset).toBe(row['LOG-END-OFFSET']);
      expect(String(p.lag)).toBe(row.LAG);
    }
    expect(mine.partitions.map((p) => p.lag)).toEqual(LATER);
    expect(mine.state).toBe('EMPTY');

    // Lag in seconds is measured from the timestamp of the message at the committed offset: the
    // same message a reader of that offset gets first.
    const firstLater = new Map<number, number>();
    const reader = await consume(`${prefix}g-reader`, (m) => {
      const at = mine.partitions.find((p) => p.partition === m.partition)?.committedOffset;
      if (m.offset === at) firstLater.set(m.partition, m.timestamp);
    });
    await eventually(() => firstLater.size === 2, 30_000, { what: 'the next messages read back' });
    await reader.stop();
    for (const p of mine.partitions) {
      if (p.lag === 0) {
        expect(p.lagSeconds).toBe(0);
        continue;
      }
      expect(p.nextMessageTimestamp).toBe(firstLater.get(p.partition));
      expect(p.lagSeconds).toBeGreaterThanOrEqual(0);
    }
  }, 120_000);

  it('an active group shows its members and the tool’s consumer ids; a reset is refused while it runs', async () => {
    const active = `${prefix}g-active`;
    let seen = 0;
    const consumer = await consume(active, () => seen++);
    try {
      const mine = await eventually(
        async () => {
          const d = await cluster.describeGroup(active);
          return d.state === 'STABLE' && d.members.length === 1 && d.partitions.every((p) => p.memberId) && d;
        },
        30_000,
        { what: 'a stable group with one member owning every partition' },
      );
      const theirs = await toolDescribe(active);
      for (const p of mine.partitions) expect(theirs.get(p.partition)?.['CONSUMER-ID']).toBe(p.memberId);
      await expect(cluster.resetGroupOffsets(active, topic, { to: 'earliest' })).rejects.toBeInstanceOf(
        GroupActiveError,
      );
    } finally {
      await consumer.stop();
    }
  }, 120_000);

  it('resets to a timestamp exactly as kafka-consumer-groups.sh --reset-offsets --to-datetime would', async () => {
    const [info] = await cluster.describeTopics([topic]);
    // The timestamp of the first "later" message on partition 0: everything from it on is re-read.
    let at: number | null = null;
    const reader = await consume(`${prefix}g-ts`, (m) => {
      if (m.partition === 0 && m.offset === String(FIRST[0])) at = m.timestamp;
    });
    await eventually(() => at !== null, 30_000, { what: 'timestamp of the first later message' });
    await reader.stop();
    const iso = new Date(at!).toISOString().replace('Z', '');
    const dry = await runKafkaTool(tools, CONSUMER_GROUPS, [
      '--bootstrap-server',
      brokers.join(','),
      '--reset-offsets',
      '--group',
      group,
      '--topic',
      topic,
      '--to-datetime',
      iso,
      '--dry-run',
    ]);
    const expected = new Map(parseToolTable(dry, 'GROUP').map((r) => [Number(r.PARTITION), r['NEW-OFFSET']]));
    const result = await cluster.resetGroupOffsets(group, topic, { to: 'timestamp', timestamp: at! });
    for (const p of result.partitions) expect(p.after).toBe(expected.get(p.partition));
    const after = await toolDescribe(group);
    for (const p of result.partitions) expect(after.get(p.partition)?.['CURRENT-OFFSET']).toBe(p.after);

    const earliest = await cluster.resetGroupOffsets(group, topic, { to: 'earliest' });
    for (const p of earliest.partitions) expect(p.after).toBe(info!.partitions[p.partition]!.startOffset);
    const latest = await cluster.resetGroupOffsets(group, topic, { to: 'latest' });
    const d = await cluster.describeGroup(group);
    expect(d.totalLag).toBe(0);
    expect(latest.partitions.map((p) => p.before)).toEqual(earliest.partitions.map((p) => p.after));
  }, 120_000);

  it('creates topics, adds partitions, sets configs and lists groups', async () => {
    const name = `${prefix}created`;
    await cluster.createTopic({
      name,
      partitions: 2,
      replicationFactor: 1,
      configs: { 'cleanup.policy': 'compact' },
    });
    try {
      await eventually(
        async () => (await cluster.describeTopics([name]))[0]?.partitions.length === 2,
        15_000,
      );
      await cluster.addPartitions(name, 4);
      await cluster.setTopicConfigs(name, { 'retention.ms': '3600000', 'cleanup.policy': 'delete' });
      const t = await eventually(async () => {
        const [x] = await cluster.describeTopics([name]);
        return x?.partitions.length === 4 && x.configs['retention.ms'] === '3600000' && x;
      }, 15_000);
      expect(t.configs['cleanup.policy']).toBe('delete');
      await expect(cluster.addPartitions(name, 2)).rejects.toThrow();
      expect((await cluster.listGroups()).map((g) => g.groupId)).toContain(group);
    } finally {
      await admin.deleteTopics([name]);
    }
  }, 60_000);
});
