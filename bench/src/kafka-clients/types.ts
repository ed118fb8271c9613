export interface BenchMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

export interface ProduceRun {
  brokers: string[];
  topic: string;
  messages: number;
  batchSize: number;
  /** Pre-built batches, so building messages is not timed. */
  batches: BenchMessage[][];
}

export interface ConsumeRun {
  brokers: string[];
  topic: string;
  groupId: string;
  messages: number;
}

export interface ClientBench {
  name: string;
  createTopic(brokers: string[], topic: string, partitions: number): Promise<void>;
  deleteTopic(brokers: string[], topic: string): Promise<void>;
  /** Sends `messages` in sequential batches (idempotent, acks=all); returns elapsed ms. */
  produce(run: ProduceRun): Promise<number>;
  /**
   * Reads `messages` with a new consumer group, committing after each batch. `totalMs`
   * includes joining the group; `streamMs` is first message to last.
   */
  consume(run: ConsumeRun): Promise<{ totalMs: number; streamMs: number; bytes: number }>;
}
