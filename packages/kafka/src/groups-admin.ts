import type { Consumer, Admin as PltAdmin } from '@platformatic/kafka';
import type {
  GroupDetail,
  GroupMemberInfo,
  GroupSummary,
  OffsetResetResult,
  OffsetResetTarget,
  PartitionLag,
} from './cluster-types.ts';
import { lagOf, lagSecondsOf, nextMessageTimestamps, positionKey } from './lag.ts';
import { EARLIEST_OFFSET, LATEST_OFFSET, listOffsets } from './topics-admin.ts';

/** Thrown when an offset reset is asked of a group that still has members. */
export class GroupActiveError extends Error {
  constructor(
    readonly groupId: string,
    readonly members: number,
  ) {
    super(
      `consumer group ${groupId} has ${members} active member${members === 1 ? '' : 's'}; ` +
        'stop its consumers first (offsets of a running group would be overwritten by its next commit)',
    );
    this.name = 'GroupActiveError';
  }
}

export class UnknownGroupError extends Error {
  constructor(readonly groupId: string) {
    super(`consumer group ${groupId} does not exist`);
    this.name = 'UnknownGroupError';
  }
}

export async function listGroups(client: PltAdmin): Promise<GroupSummary[]> {
  const groups = await client.listGroups();
  return [...groups.values()]
    .map((g) => ({ groupId: g.id, state: g.state, protocolType: g.protocolType }))
    .sort((a, b) => a.groupId.localeCompare(b.groupId));
}

async function describeMembers(
  client: PltAdmin,
  groupId: string,
): Promise<{ state: string; protocolType: string; members: GroupMemberInfo[] }> {
  const described = await client.describeGroups({ groups: [groupId] });
  const g = described.get(groupId);
  if (!g || g.state === 'DEAD') throw new UnknownGroupError(groupId);
  const members = [...g.members.values()].map((m) => ({
    memberId: m.id,
    clientId: m.clientId,
    host: m.clientHost,
    assignments: [...(m.assignments?.values() ?? [])].map((a) => ({
      topic: a.topic,
      partitions: [...a.partitions].sort((x, y) => x - y),
    })),
  }));
  return { state: g.state, protocolType: g.protocolType, members };
}

async function committedOffsets(
  client: PltAdmin,
  groupId: string,
): Promise<Map<string, Map<number, bigint>>> {
  const [group] = await client.listConsumerGroupOffsets({ groups: [groupId] });
  const out = new Map<string, Map<number, bigint>>();
  for (const t of group?.topics ?? []) {
    const m = new Map<number, bigint>();
    for (const p of t.partitions) if (p.committedOffset >= 0n) m.set(p.partitionIndex, p.committedOffset);
    if (m.size > 0) out.set(t.name, m);
  }
  return out;
}

/**
 * State, members and per-partition lag of a group, over the partitions it has committed offsets
 * for or members own (what kafka-consumer-groups.sh --describe lists).
 */
export async function describeGroup(
  client: PltAdmin,
  reader: Consumer,
  groupId: string,
  now: () => number = Date.now,
): Promise<GroupDetail> {
  const [{ state, protocolType, members }, committed] = await Promise.all([
    describeMembers(client, groupId),
    committedOffsets(client, groupId),
  ]);
  const owner = new Map<string, string>();
  const partitions = new Map<string, Set<number>>();
  const add = (topic: string, p: number) => {
    const s = partitions.get(topic) ?? new Set<number>();
    s.add(p);
    partitions.set(topic, s);
  };
  for (const m of members)
    for (const a of m.assignments)
      for (const p of a.partitions) {
        owner.set(positionKey(a.topic, p), m.memberId);
        add(a.topic, p);
      }
  for (const [topic, ps] of committed) for (const p of ps.keys()) add(topic, p);
  const wanted = new Map([...partitions].map(([t, s]) => [t, [...s].sort((a, b) => a - b)]));
  const [start, end] = await Promise.all([
    listOffsets(client, wanted, EARLIEST_OFFSET),
    listOffsets(client, wanted, LATEST_OFFSET),
  ]);

  const rows: Omit<PartitionLag, 'lagSeconds' | 'nextMessageTimestamp'>[] = [];
  for (const [topic, ps] of [...wanted].sort(([a], [b]) => a.localeCompare(b)))
    for (const partition of ps) {
      const c = committed.get(topic)?.get(partition) ?? null;
      const s = start.get(topic)?.get(partition) ?? 0n;
      const e = end.get(topic)?.get(partition) ?? 0n;
      rows.push({
        topic,
        partition,
        committedOffset: c === null ? null : String(c),
        startOffset: String(s),
        endOffset: String(e),
        lag: Number(lagOf(c, s, e)),
        memberId: owner.get(positionKey(topic, partition)) ?? null,
      });
    }
  const behind = rows
    .filter((r) => r.lag > 0)
    .map((r) => {
      const c = r.committedOffset === null ? BigInt(r.startOffset) : BigInt(r.committedOffset);
      const s = BigInt(r.startOffset);
      return { topic: r.topic, partition: r.partition, offset: c < s ? s : c };
    });
  const timestamps = await nextMessageTimestamps(client, reader, behind);
  const at = now();
  const withSeconds: PartitionLag[] = rows.map((r) => {
    if (r.lag === 0) return { ...r, lagSeconds: 0, nextMessageTimestamp: null };
    const ts = timestamps.get(positionKey(r.topic, r.partition));
    return ts === undefined
      ? { ...r, lagSeconds: null, nextMessageTimestamp: null }
      : { ...r, lagSeconds: lagSecondsOf(ts, at), nextMessageTimestamp: ts };
  });
  const seconds = withSeconds.map((r) => r.lagSeconds).filter((s): s is number => s !== null);
  return {
    groupId,
    state,
    protocolType,
    members,
    partitions: withSeconds,
    totalLag: withSeconds.reduce((n, r) => n + r.lag, 0),
    maxLagSeconds: seconds.length > 0 ? Math.max(...seconds) : null,
  };
}

/**
 * Moves an inactive group's committed offsets on every partition of `topic`. A timestamp resolves
 * to the first offset whose message is at or after it (the log end when there is none), as the
 * Kafka tool's --to-datetime does.
 */
export async function resetGroupOffsets(
  client: PltAdmin,
  groupId: string,
  topic: string,
  target: OffsetResetTarget,
): Promise<OffsetResetResult> {
  const described = await client.describeGroups({ groups: [groupId] });
  const g = described.get(groupId);
  if (g && g.members.size > 0) throw new GroupActiveError(groupId, g.members.size);
  const meta = await client.metadata({ topics: [topic], forceUpdate: true });
  const t = meta.topics.get(topic);
  if (!t) throw new Error(`topic ${topic} does not exist`);
  const indexes = Array.from({ length: t.partitionsCount }, (_, i) => i);
  const wanted = new Map([[topic, indexes]]);
  const before = (await committedOffsets(client, groupId)).get(topic);
  let offsets: Map<number, bigint>;
  if (target.to === 'timestamp') {
    const [found, end] = await Promise.all([
      listOffsets(client, wanted, BigInt(target.timestamp)),
      listOffsets(client, wanted, LATEST_OFFSET),
    ]);
    offsets = new Map(
      indexes.map((i) => {
        const o = found.get(topic)?.get(i) ?? -1n;
        return [i, o >= 0n ? o : (end.get(topic)?.get(i) ?? 0n)];
      }),
    );
  } else {
    const listed = await listOffsets(
      client,
      wanted,
      target.to === 'earliest' ? EARLIEST_OFFSET : LATEST_OFFSET,
    );
    offsets = listed.get(topic) ?? new Map();
  }
  await client.alterConsumerGroupOffsets({
    groupId,
    topics: [
      {
        name: topic,
        partitionOffsets: indexes.map((partition) => ({ partition, offset: offsets.get(partition) ?? 0n })),
      },
    ],
  });
  return {
    groupId,
    topic,
    partitions: indexes.map((partition) => {
      const b = before?.get(partition);
      return {
        partition,
        before: b === undefined ? null : String(b),
        after: String(offsets.get(partition) ?? 0n),
      };
    }),
  };
}
