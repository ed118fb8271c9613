import { topicNames } from '@tributary/contracts';
import type { AclGrant, KafkaSasl } from './types.ts';

/**
 * Who talks to Kafka, one SCRAM principal each (docs/decisions/kafka-sasl-acls.md). `admin` is a
 * super user (topic creation, ACLs, the setup's registry publish, tests' lag checks); the
 * services get exactly the ACLs below, so a leaked ingest password cannot forge control records.
 */
export const SERVICE_PRINCIPALS = ['ingest', 'workers', 'console', 'jobs'] as const;
export type ServicePrincipal = (typeof SERVICE_PRINCIPALS)[number];
export const ADMIN_PRINCIPAL = 'admin';

/**
 * Ingest's control follower (@tributary/control, started in apps/ingest/src/service.ts) joins a
 * group of this prefix plus a random suffix per instance, so every instance reads the whole
 * compacted topic.
 */
export const INGEST_CONTROL_GROUP_PREFIX = 'tributary-ingest-control-';
/** NOTE: must match the control follower's clientId in apps/workers/src/service.ts (group = clientId-<uuid>). */
export const WORKERS_CONTROL_GROUP_PREFIX = 'tributary-workers-control-';

export function principalName(user: string): string {
  return `User:${user}`;
}

/**
 * The ACLs of every service principal for one platform (topic prefix + workers' group).
 * WRITE implies DESCRIBE and READ implies DESCRIBE on the same resource; the idempotent
 * producer needs no IDEMPOTENT_WRITE on the cluster since Kafka 3.0 (WRITE on a topic is
 * enough, KIP-679), and no service uses transactions.
 */
export function serviceAcls(opts: { topicPrefix: string; consumerGroup: string }): AclGrant[] {
  const t = topicNames(opts.topicPrefix);
  const topic = (user: ServicePrincipal, name: string, operation: AclGrant['operation']): AclGrant => ({
    principal: principalName(user),
    resourceType: 'topic',
    resourceName: name,
    pattern: 'literal',
    operation,
  });
  const group = (user: ServicePrincipal, name: string, pattern: AclGrant['pattern']): AclGrant => ({
    principal: principalName(user),
    resourceType: 'group',
    resourceName: name,
    pattern,
    operation: 'read',
  });
  return [
    // ingest: accepted events and its dead letters out; the control topic in, with its groups.
    topic('ingest', t.events, 'write'),
    topic('ingest', t.deadLetters, 'write'),
    topic('ingest', t.control, 'read'),
    group('ingest', INGEST_CONTROL_GROUP_PREFIX, 'prefixed'),
    // workers: events and dead letters in (their two groups); dead letters out (pipeline failures).
    topic('workers', t.events, 'read'),
    topic('workers', t.deadLetters, 'read'),
    topic('workers', t.deadLetters, 'write'),
    group('workers', opts.consumerGroup, 'literal'),
    group('workers', `${opts.consumerGroup}-dead-letters`, 'literal'),
    // workers: the control topic in (processor and lookup-table hints), with its groups.
    topic('workers', t.control, 'read'),
    group('workers', WORKERS_CONTROL_GROUP_PREFIX, 'prefixed'),
    // console: the only service that writes control records. It joins no group.
    topic('console', t.control, 'write'),
    // jobs: dead-letter replays go back to the events topic, and a replayed event that fails
    // again to the dead letters (the console queues replays; it sends nothing to either).
    topic('jobs', t.events, 'write'),
    topic('jobs', t.deadLetters, 'write'),
    // The message browser reads all three by offset, outside any group (so no group grant).
    topic('console', t.events, 'read'),
    topic('console', t.deadLetters, 'read'),
    topic('console', t.control, 'read'),
    // The topics and consumer-groups pages (docs/decisions/topics-and-lag.md): the console
    // manages the platform's topics (every name under the prefix): create, add partitions
    // (ALTER), read and set configs, read messages (the next message's timestamp: lag in seconds).
    ...(['create', 'alter', 'describe_configs', 'alter_configs', 'read'] as const).map(
      (operation): AclGrant => ({
        principal: principalName('console'),
        resourceType: 'topic',
        // An empty prefix is not a valid prefixed ACL; '*' (literal) is Kafka's wildcard.
        resourceName: opts.topicPrefix === '' ? '*' : opts.topicPrefix,
        pattern: opts.topicPrefix === '' ? 'literal' : 'prefixed',
        operation,
      }),
    ),
    // Every group: describe (state, members, committed offsets), read (an offset reset commits).
    ...(['describe', 'read'] as const).map(
      (operation): AclGrant => ({
        principal: principalName('console'),
        resourceType: 'group',
        resourceName: '*',
        pattern: 'literal',
        operation,
      }),
    ),
    // Size on disk (DescribeLogDirs) asks the cluster; so does ListGroups for every group.
    {
      principal: principalName('console'),
      resourceType: 'cluster',
      resourceName: 'kafka-cluster',
      pattern: 'literal',
      operation: 'describe',
    },
  ];
}

/** The service's login from its parsed environment (KAFKA_SASL_*), or none for a PLAINTEXT broker. */
export function kafkaSaslFromEnv(env: {
  KAFKA_SASL_MECHANISM?: KafkaSasl['mechanism'];
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
}): KafkaSasl | undefined {
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = env;
  if (!username && !password) return undefined;
  if (!username || !password)
    throw new Error('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD must be set together');
  return { mechanism: env.KAFKA_SASL_MECHANISM ?? 'SCRAM-SHA-256', username, password };
}
