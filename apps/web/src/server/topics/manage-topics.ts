// The topics the console shows and the changes it makes, for the tRPC router and /api/v1/topics
// alike: validation, the platform-topic protections, the Kafka change, then its audit row.
import { TributaryError } from '@tributary/contracts';
import { writeAudit, type Db } from '@tributary/db';
import type { ClusterAdmin, TopicInfo } from '@tributary/kafka';
import { refusalsOf } from './kafka-refusals.ts';
import type { AddPartitionsInput, CreateTopicInput, SetTopicConfigInput } from './inputs.ts';
import { throughputTracker } from './throughput.ts';
import {
  assertConfigChange,
  assertConfirmed,
  assertCreatable,
  assertPartitionIncrease,
  isManagedTopic,
  isPlatformTopic,
} from './topic-policy.ts';

export interface TopicsDeps {
  cluster: ClusterAdmin;
  db: Db;
  /** The platform's topic prefix: the topics the console manages. */
  topicPrefix: string;
  now?: () => number;
}

export interface TopicRow {
  name: string;
  partitions: number;
  replicationFactor: number;
  retentionMs: number | null;
  cleanupPolicy: string | null;
  sizeBytes: number | null;
  messages: number;
  /** Messages written per second, null until this console has two samples. */
  messagesPerSecond: number | null;
  /** events, dead-letters, control: protected from destructive changes. */
  platform: boolean;
}

export interface TopicDetail extends TopicRow {
  configs: Record<string, string | null>;
  partitionDetails: TopicInfo['partitions'];
}

function toRow(prefix: string, t: TopicInfo, at: number): TopicRow {
  const total = t.partitions.reduce((n, p) => n + Number(p.endOffset), 0);
  const retention = t.configs['retention.ms'];
  return {
    name: t.name,
    partitions: t.partitions.length,
    replicationFactor: t.replicationFactor,
    retentionMs: retention === null || retention === undefined ? null : Number(retention),
    cleanupPolicy: t.configs['cleanup.policy'] ?? null,
    sizeBytes: t.sizeBytes,
    messages: t.messages,
    messagesPerSecond: throughputTracker().observe(t.name, total, at),
    platform: isPlatformTopic(prefix, t.name),
  };
}

export async function listTopics(deps: TopicsDeps): Promise<TopicRow[]> {
  const names = (await deps.cluster.listTopicNames()).filter((n) => isManagedTopic(deps.topicPrefix, n));
  const topics = await deps.cluster.describeTopics(names);
  const at = (deps.now ?? Date.now)();
  return topics.map((t) => toRow(deps.topicPrefix, t, at));
}

async function describeOne(deps: TopicsDeps, name: string): Promise<TopicInfo> {
  if (!isManagedTopic(deps.topicPrefix, name)) {
    throw new TributaryError(
      'not_found',
      `topic ${name} is not one of this platform's (prefix "${deps.topicPrefix}")`,
    );
  }
  const [t] = await deps.cluster.describeTopics([name]);
  if (!t) throw new TributaryError('not_found', `topic ${name} does not exist`);
  return t;
}

export async function getTopic(deps: TopicsDeps, name: string): Promise<TopicDetail> {
  const t = await describeOne(deps, name);
  return {
    ...toRow(deps.topicPrefix, t, (deps.now ?? Date.now)()),
    configs: t.configs,
    partitionDetails: t.partitions,
  };
}

/** Polls until the broker shows the change (creation and config changes apply asynchronously). */
async function until<T>(fn: () => Promise<T | null>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v !== null) return v;
    if (Date.now() > deadline)
      throw new TributaryError(
        'unavailable',
        'Kafka accepted the change but does not show it yet; reload in a moment',
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function createTopic(
  deps: TopicsDeps,
  actor: string,
  input: CreateTopicInput,
): Promise<TopicDetail> {
  assertConfirmed(input.confirm, input.name, 'topic name');
  assertCreatable(deps.topicPrefix, input.name);
  const configs: Record<string, string> = { 'cleanup.policy': input.cleanupPolicy };
  if (input.retentionMs !== undefined) configs['retention.ms'] = String(input.retentionMs);
  await refusalsOf(input.name, () =>
    deps.cluster.createTopic({
      name: input.name,
      partitions: input.partitions,
      replicationFactor: input.replicationFactor,
      configs,
    }),
  );
  const created = await until(async () => {
    const d = await getTopic(deps, input.name);
    return d.partitions === input.partitions ? d : null;
  });
  await writeAudit(deps.db, {
    actor,
    action: 'topic.create',
    entity: 'topic',
    entityId: input.name,
    after: { partitions: input.partitions, replicationFactor: input.replicationFactor, configs },
  });
  return created;
}

export async function addPartitions(
  deps: TopicsDeps,
  actor: string,
  input: AddPartitionsInput,
): Promise<TopicDetail> {
  assertConfirmed(input.confirm, input.name, 'topic name');
  const before = await describeOne(deps, input.name);
  assertPartitionIncrease(deps.topicPrefix, input.name, before.partitions.length, input.partitions);
  await refusalsOf(input.name, () => deps.cluster.addPartitions(input.name, input.partitions));
  const after = await until(async () => {
    const d = await getTopic(deps, input.name);
    return d.partitions === input.partitions ? d : null;
  });
  await writeAudit(deps.db, {
    actor,
    action: 'topic.add_partitions',
    entity: 'topic',
    entityId: input.name,
    before: { partitions: before.partitions.length },
    after: { partitions: input.partitions },
  });
  return after;
}

export async function setTopicConfig(
  deps: TopicsDeps,
  actor: string,
  input: SetTopicConfigInput,
): Promise<TopicDetail> {
  assertConfirmed(input.confirm, input.name, 'topic name');
  const before = await describeOne(deps, input.name);
  const retention = before.configs['retention.ms'];
  const was = {
    retentionMs: retention === null || retention === undefined ? null : Number(retention),
    cleanupPolicy: before.configs['cleanup.policy'] ?? null,
  };
  assertConfigChange(deps.topicPrefix, input.name, was, input);
  const configs: Record<string, string> = {};
  if (input.retentionMs !== undefined) configs['retention.ms'] = String(input.retentionMs);
  if (input.cleanupPolicy !== undefined) configs['cleanup.policy'] = input.cleanupPolicy;
  await refusalsOf(input.name, () => deps.cluster.setTopicConfigs(input.name, configs));
  const after = await until(async () => {
    const d = await getTopic(deps, input.name);
    return Object.entries(configs).every(([k, v]) => d.configs[k] === v) ? d : null;
  });
  await writeAudit(deps.db, {
    actor,
    action: 'topic.set_config',
    entity: 'topic',
    entityId: input.name,
    before: Object.fromEntries(Object.keys(configs).map((k) => [k, before.configs[k] ?? null])),
    after: configs,
  });
  return after;
}
