/**
 * The Kafka transport every service uses. Apps depend on these interfaces only, so the client
 * library behind them (see docs/decisions/kafka-client.md) can change in one place.
 */

export interface OutgoingMessage {
  key?: string | null;
  /** Explicit partition; when absent the key (murmur2) or round-robin decides. */
  partition?: number;
  value: Buffer | string;
  headers?: Record<string, string>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  /** Offset as a decimal string (Kafka offsets are 64-bit). */
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  /** Broker timestamp, epoch milliseconds. */
  timestamp: number;
}

/** Messages of one topic-partition, in offset order. */
export interface Batch {
  topic: string;
  partition: number;
  messages: IncomingMessage[];
  firstOffset: string;
  lastOffset: string;
}

/**
 * How a client logs in (docs/decisions/kafka-sasl-acls.md). Absent: no SASL, for a PLAINTEXT
 * broker. Each service has its own principal, so the broker's ACLs decide what it may do.
 */
export interface KafkaSasl {
  mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | 'PLAIN';
  username: string;
  password: string;
}

export interface ProducerOptions {
  brokers: string[];
  clientId: string;
  sasl?: KafkaSasl;
}

export interface Producer {
  /**
   * Resolves only after the broker acknowledged every message with acks=all (idempotent
   * producer). Rejects with KafkaUnavailableError when the cluster cannot be reached within
   * the delivery timeout, so callers can answer 503.
   */
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

export interface ConsumerOptions {
  brokers: string[];
  clientId: string;
  sasl?: KafkaSasl;
  groupId: string;
  topics: string[];
  /** Upper bound on messages handed to one handler call. */
  maxBatchSize?: number;
  /** How long the broker may wait to fill a fetch. */
  maxWaitMs?: number;
  /** Where a new group starts. Default 'earliest' so nothing produced before a first start is missed. */
  fromBeginning?: boolean;
}

/** What the consumer hands a handler beside the batch. */
export interface BatchContext {
  /**
   * Aborted when this consumer gives the batch's partition up: the group moved it to another
   * member, or the consumer is being rebuilt. A handler should stop at its next retry: the batch
   * will not be committed by this consumer, and whoever gets the partition redoes it.
   */
  signal: AbortSignal;
  /** Tells the consumer the handler is alive (e.g. on each retry), so a long wait is not taken for a stall. */
  progress(): void;
}

export type BatchHandler = (batch: Batch, ctx: BatchContext) => Promise<void>;

export interface ConsumerStatus {
  /** connecting: building a client and joining; joined: member of the group, fetching; rebuilding: waiting to try again. */
  state: 'idle' | 'connecting' | 'joined' | 'rebuilding' | 'stopped';
  /** Partitions assigned to this member in the current session. */
  partitions: number;
  /** Times the client was rebuilt after a failure (connection, handler or forced). */
  restarts: number;
  /** Why the last session ended, if it failed. */
  lastError: string | null;
}

export interface BatchConsumer {
  /**
   * Starts consuming. Batches of one partition are handed to `handler` one at a time, in
   * order. NOTE: the offset after `batch.lastOffset` is committed only after the handler's
   * promise resolved; if it rejects, nothing of that batch is committed, and the consumer
   * either stops (the error surfaces from `done`) or is rebuilt, as `onHandlerError` says.
   */
  start(handler: BatchHandler): Promise<void>;
  /** Stops fetching, waits for the batch in flight, commits what finished, leaves the group. */
  stop(): Promise<void>;
  /**
   * Closes the client and builds a new one that rejoins the group (after the batches in flight
   * settled; their signals are aborted). For faults that leave the client in an unknown state.
   */
  restart(reason: string): void;
  /** Settles when the consumer ended; rejects with the handler's error if that ended it. */
  readonly done: Promise<void>;
  /**
   * Epoch ms of the last sign that the consumer loop turns: a fetch answered, a batch handed out
   * or finished, a handler's progress(), a reconnect attempt. A stalled loop is unhealthy.
   */
  lastActivityAt(): number;
  status(): ConsumerStatus;
}

export interface Admin {
  /** Creates missing topics; leaves existing ones alone. */
  ensureTopics(specs: { name: string; partitions: number; config: Record<string, string> }[]): Promise<void>;
  deleteTopics(names: string[]): Promise<void>;
  listTopics(): Promise<string[]>;
  partitionCount(topic: string): Promise<number>;
  /** Sum over partitions of (log end offset − committed offset) for a group on a topic. */
  consumerLag(groupId: string, topic: string): Promise<number>;
  /**
   * Makes the ACLs of the named principals exactly `grants`: missing ones are created, any other
   * ACL of those principals is deleted. Other principals' ACLs are left alone.
   */
  syncAcls(principals: string[], grants: AclGrant[]): Promise<{ created: number; deleted: number }>;
  close(): Promise<void>;
}

export class KafkaUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KafkaUnavailableError';
  }
}

/** One ALLOW ACL, in the broker's terms (a principal is `User:<name>`). */
export interface AclGrant {
  principal: string;
  resourceType: 'topic' | 'group' | 'cluster' | 'transactional_id';
  /** `kafka-cluster` for the cluster resource. */
  resourceName: string;
  pattern: 'literal' | 'prefixed';
  operation:
    | 'read'
    | 'write'
    | 'describe'
    | 'create'
    | 'delete'
    | 'alter'
    | 'describe_configs'
    | 'alter_configs'
    | 'idempotent_write';
}
