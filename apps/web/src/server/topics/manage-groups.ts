// Consumer groups for the console: list, detail with lag, 24 h history, and the offset reset of an
// inactive group (confirmed, audited, refused while the group has members).
import { TributaryError } from '@tributary/contracts';
import { writeAudit } from '@tributary/db';
import type { QueryTarget } from '@tributary/clickhouse';
import { GroupActiveError, UnknownGroupError, type GroupDetail, type GroupSummary } from '@tributary/kafka';
import type { ResetOffsetsInput } from './inputs.ts';
import { refusalsOf } from './kafka-refusals.ts';
import { lagHistory, type LagPoint } from './lag-history.ts';
import type { TopicsDeps } from './manage-topics.ts';
import { assertConfirmed, isManagedTopic } from './topic-policy.ts';

export async function listConsumerGroups(deps: TopicsDeps): Promise<GroupSummary[]> {
  return deps.cluster.listGroups();
}

export async function getConsumerGroup(deps: TopicsDeps, groupId: string): Promise<GroupDetail> {
  try {
    return await refusalsOf(groupId, () => deps.cluster.describeGroup(groupId));
  } catch (err) {
    if (err instanceof UnknownGroupError) throw new TributaryError('not_found', err.message);
    throw err;
  }
}

export function getLagHistory(
  target: QueryTarget,
  groupId: string,
  hours: number,
  now = Date.now(),
): Promise<LagPoint[]> {
  return lagHistory(target, groupId, hours, now);
}

export async function resetGroupOffsets(
  deps: TopicsDeps,
  actor: string,
  input: ResetOffsetsInput,
): Promise<Awaited<ReturnType<TopicsDeps['cluster']['resetGroupOffsets']>>> {
  assertConfirmed(input.confirm, input.groupId, 'group id');
  if (!isManagedTopic(deps.topicPrefix, input.topic)) {
    throw new TributaryError(
      'not_found',
      `topic ${input.topic} is not one of this platform's (prefix "${deps.topicPrefix}")`,
    );
  }
  const before = await getConsumerGroup(deps, input.groupId);
  if (before.members.length > 0) {
    throw new TributaryError(
      'conflict',
      `consumer group ${input.groupId} is ${before.state} with ${before.members.length} member(s); ` +
        'stop its consumers before resetting offsets (a running group would overwrite them at its next commit)',
      { state: before.state, members: before.members.length },
    );
  }
  let result;
  try {
    result = await refusalsOf(input.groupId, () =>
      deps.cluster.resetGroupOffsets(input.groupId, input.topic, input.target),
    );
  } catch (err) {
    // A member joined between the check and the reset: the library's own check caught it.
    if (err instanceof GroupActiveError) throw new TributaryError('conflict', err.message);
    throw err;
  }
  await writeAudit(deps.db, {
    actor,
    action: 'consumer_group.reset_offsets',
    entity: 'consumer_group',
    entityId: input.groupId,
    before: {
      topic: input.topic,
      offsets: Object.fromEntries(result.partitions.map((p) => [p.partition, p.before])),
    },
    after: {
      topic: input.topic,
      target: input.target,
      offsets: Object.fromEntries(result.partitions.map((p) => [p.partition, p.after])),
    },
  });
  return result;
}
