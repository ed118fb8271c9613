/**
 * What the console's topic and consumer-group views read from, and change on, the cluster.
 * Offsets are decimal strings (Kafka offsets are 64-bit) so they survive JSON unchanged.
 */

export interface TopicPartitionInfo {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  /** Log start offset (earliest). */
  startOffset: string;
  /** Log end offset (latest, the next offset to be written). */
  endOffset: string;
  /** Bytes on disk over every replica's log dir; null when the broker did not report it. */
  sizeBytes: number | null;
}

export interface TopicInfo {
  name: string;
  partitions: TopicPartitionInfo[];
  replicationFactor: number;
  /** The topic's effective configs (its own and inherited defaults) that the console shows. */
  configs: Record<string, string | null>;
  /** Sum over partitions of end − start: messages currently retained (an upper bound for compacted topics). */
  messages: number;
  sizeBytes: number | null;
}

export interface NewTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

export interface GroupSummary {
  groupId: string;
  /** The broker's words: STABLE, EMPTY, PREPARING_REBALANCE, COMPLETING_REBALANCE, DEAD. */
  state: string;
  protocolType: string;
}

export interface GroupMemberInfo {
  memberId: string;
  clientId: string;
  host: string;
  assignments: { topic: string; partitions: number[] }[];
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** null when the group has no committed offset for the partition. */
  committedOffset: string | null;
  startOffset: string;
  endOffset: string;
  /** end − committed (end − start without a commit: a new group starts there). */
  lag: number;
  /**
   * now − the timestamp of the next message the group will read (the one at the committed
   * offset); 0 when caught up; null when that message could not be read in time.
   */
  lagSeconds: number | null;
  /** Timestamp (epoch ms) of that next message, null when caught up or unreadable. */
  nextMessageTimestamp: number | null;
  /** Member that owns the partition now, null when none does. */
  memberId: string | null;
}

export interface GroupDetail extends GroupSummary {
  members: GroupMemberInfo[];
  partitions: PartitionLag[];
  totalLag: number;
  /** Greatest lagSeconds over the partitions. */
  maxLagSeconds: number | null;
}

/** Where an offset reset moves a group: the log start, the log end, or the first offset at/after a time. */
export type OffsetResetTarget =
  | { to: 'earliest' }
  | { to: 'latest' }
  | { to: 'timestamp'; timestamp: number };

export interface OffsetResetResult {
  groupId: string;
  topic: string;
  partitions: { partition: number; before: string | null; after: string }[];
}

export interface ClusterAdmin {
  listTopicNames(): Promise<string[]>;
  /** Every named topic (all topics when omitted) with offsets, configs and size; unknown names are skipped. */
  describeTopics(names?: string[]): Promise<TopicInfo[]>;
  createTopic(topic: NewTopic): Promise<void>;
  /** Raises the partition count to `count` (Kafka never lowers it). */
  addPartitions(topic: string, count: number): Promise<void>;
  /** Sets the given configs on the topic, leaving others alone (IncrementalAlterConfigs SET). */
  setTopicConfigs(topic: string, configs: Record<string, string>): Promise<void>;
  listGroups(): Promise<GroupSummary[]>;
  describeGroup(groupId: string): Promise<GroupDetail>;
  /** NOTE: the broker refuses to move offsets of a group with members; callers check first too. */
  resetGroupOffsets(groupId: string, topic: string, target: OffsetResetTarget): Promise<OffsetResetResult>;
  close(): Promise<void>;
}
