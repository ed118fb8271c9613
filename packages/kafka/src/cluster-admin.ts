import { Admin as PltAdmin, Consumer } from '@platformatic/kafka';
import { installClientGuards } from './client-guards.ts';
import type { ClusterAdmin } from './cluster-types.ts';
import { describeGroup, listGroups, resetGroupOffsets } from './groups-admin.ts';
import { addPartitions, createTopic, describeTopics, setTopicConfigs } from './topics-admin.ts';
import type { KafkaSasl } from './types.ts';

export interface CreateClusterAdminOptions {
  brokers: string[];
  clientId: string;
  sasl?: KafkaSasl;
}

/**
 * The console's view of the cluster: topics with offsets, configs and sizes; consumer groups
 * with lag in messages and seconds; and the few changes it makes (create, partitions, configs,
 * offset resets). NOTE: the reader is a consumer client used for single Fetch requests only (a
 * next message's timestamp); it never joins its group, so it needs no group ACL.
 */
export function createClusterAdmin(opts: CreateClusterAdminOptions): ClusterAdmin {
  installClientGuards();
  const base = {
    clientId: opts.clientId,
    bootstrapBrokers: opts.brokers,
    ...(opts.sasl ? { sasl: { ...opts.sasl } } : {}),
    connectTimeout: 3000,
    retries: 2,
    retryDelay: 250,
  };
  const client = new PltAdmin(base);
  let reader: Consumer | undefined;
  const getReader = () => (reader ??= new Consumer({ ...base, groupId: `${opts.clientId}-reader` }));

  return {
    listTopicNames: async () => (await client.listTopics()).sort(),
    describeTopics: (names) => describeTopics(client, names),
    createTopic: (topic) => createTopic(client, topic),
    addPartitions: (topic, count) => addPartitions(client, topic, count),
    setTopicConfigs: (topic, configs) => setTopicConfigs(client, topic, configs),
    listGroups: () => listGroups(client),
    describeGroup: (groupId) => describeGroup(client, getReader(), groupId),
    resetGroupOffsets: (groupId, topic, target) => resetGroupOffsets(client, groupId, topic, target),
    async close() {
      await Promise.allSettled([client.close(), reader?.close()]);
    },
  };
}
