import { Consumer as PltConsumer, type Message, type MessagesStream } from '@platformatic/kafka';
import { describeError } from './errors.ts';
import type { Batch, BatchConsumer, BatchHandler, ConsumerOptions, IncomingMessage } from './types.ts';

export interface CreateBatchConsumerOptions extends ConsumerOptions {
  /** Called when the consumer loses the broker and reconnects, for logs and metrics. */
  onReconnect?: (reason: string, attempt: number) => void;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
}

type PltMessage = Message<Buffer, Buffer, Buffer, Buffer>;
type PltStream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

// Buffered messages before the fetch stream is paused: bounds memory while a handler is slow.
const HIGH_WATER = 10_000;

/**
 * Consumer-group member that hands per-partition batches to one handler at a time and commits
 * `lastOffset + 1` only after the handler resolved.
 *
 * The library's fetch stream ends on the first broker error, so this owns the reconnect loop:
 * it builds a new client and stream (resuming from committed offsets) until stop(). Messages
 * already handed to the handler are remembered per partition and skipped when a rejoin or a
 * reconnect fetches them again, so a reconnect never replays what this consumer finished.
 */
export function createBatchConsumer(opts: CreateBatchConsumerOptions): BatchConsumer {
  const maxBatchSize = opts.maxBatchSize ?? 1000;
  const maxWaitMs = opts.maxWaitMs ?? 500;
  const fromBeginning = opts.fromBeginning ?? true;

  let lastActivity = Date.now();
  let stopping = false;
  let started = false;
  let wake: (() => void) | null = null;
  const nextOffset = new Map<string, bigint>();
  let resolveDone!: () => void;
  let rejectDone!: (err: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  // done may reject before anyone awaits it; the caller still sees it through `done`.
  done.catch(() => {});

  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  /** Sleeps until notify() or `ms` passed. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(notify, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /** One client + stream lifetime. Resolves when stopped; rejects with a handler error (fatal) or a connection error (retry). */
  async function session(handler: BatchHandler): Promise<void> {
    const client = new PltConsumer({
      clientId: opts.clientId,
      groupId: opts.groupId,
      bootstrapBrokers: opts.brokers,
      sessionTimeout: opts.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: opts.heartbeatIntervalMs ?? 1000,
      rebalanceTimeout: 30_000,
      maxWaitTime: maxWaitMs,
      maxBytesPerPartition: 4 << 20,
      maxBytes: 16 << 20,
      connectTimeout: 3000,
      retries: 2,
      retryDelay: 250,
      autocreateTopics: false,
    });
    let stream: PltStream | null = null;
    const buffer: PltMessage[] = [];
    let streamError: unknown = null;
    try {
      stream = await client.consume({
        topics: opts.topics,
        mode: 'committed',
        fallbackMode: fromBeginning ? 'earliest' : 'latest',
        autocommit: false,
        maxWaitTime: maxWaitMs,
      });
      const s = stream;
      s.on('data', (m: PltMessage) => {
        buffer.push(m);
        if (buffer.length >= HIGH_WATER) s.pause();
        notify();
      });
      s.on('fetch', () => {
        lastActivity = Date.now();
      });
      s.on('error', (err: unknown) => {
        streamError ??= err;
        notify();
      });
      s.on('close', () => {
        streamError ??= new Error('fetch stream closed');
        notify();
      });
      // A heartbeat that fails repeatedly means the group coordinator is gone.
      client.on('consumer:heartbeat:error', ({ error }) => {
        if (!stopping) {
          streamError ??= error;
          notify();
        }
      });

      while (!stopping) {
        if (buffer.length === 0) {
          if (streamError) throw new ConnectionLost(streamError);
          if (s.isPaused()) s.resume();
          // Wakes periodically so stop() and stream errors are noticed without traffic.
          await pause(1000);
          continue;
        }
        lastActivity = Date.now();
        const taken = buffer.splice(0, buffer.length);
        // Partitions run concurrently (one batch at a time each, in offset order), so one
        // partition's wait on a slow sink overlaps the others' work.
        const lanes = new Map<string, Batch[]>();
        for (const batch of toBatches(taken, nextOffset, maxBatchSize)) {
          const key = `${batch.topic}:${batch.partition}`;
          const lane = lanes.get(key);
          if (lane) lane.push(batch);
          else lanes.set(key, [batch]);
        }
        const results = await Promise.allSettled(
          [...lanes.entries()].map(async ([key, batches]) => {
            for (const batch of batches) {
              // NOTE: stop() lets the batch in flight finish and commit, but starts no new one.
              if (stopping) return;
              try {
                await handler(batch);
              } catch (err) {
                throw new HandlerFailed(err);
              }
              const next = BigInt(batch.lastOffset) + 1n;
              nextOffset.set(key, next);
              try {
                await client.commit({
                  offsets: [
                    { topic: batch.topic, partition: batch.partition, offset: next, leaderEpoch: -1 },
                  ],
                });
              } catch (err) {
                // The handler's effects are durable; the batch is only redelivered if this partition
                // moves to another member before a later commit covers it (effects are idempotent).
                throw new ConnectionLost(err);
              }
              lastActivity = Date.now();
            }
          }),
        );
        // Every lane has settled before a failure ends the session: no handler of this session
        // can still be running when a new session hands the same partition out again.
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      }
    } finally {
      await stream?.close().catch(() => {});
      // Leaving the group (not forced) hands partitions over at once instead of after the session timeout.
      await client.close().catch(() => forceClose(client));
    }
  }

  async function run(handler: BatchHandler): Promise<void> {
    let attempt = 0;
    while (!stopping) {
      try {
        await session(handler);
        attempt = 0;
      } catch (err) {
        if (err instanceof HandlerFailed) throw err.cause;
        attempt++;
        const reason = describeError(err instanceof ConnectionLost ? err.cause : err);
        opts.onReconnect?.(reason, attempt);
        const delay = Math.min(200 * 2 ** Math.min(attempt - 1, 4), 3000);
        await pause(delay);
      }
    }
  }

  return {
    done,
    lastActivityAt: () => lastActivity,
    async start(handler) {
      if (started) throw new Error('consumer already started');
      started = true;
      lastActivity = Date.now();
      run(handler).then(resolveDone, rejectDone);
    },
    async stop() {
      stopping = true;
      notify();
      if (!started) {
        resolveDone();
        return;
      }
      await done.catch(() => {});
    },
  };
}

class HandlerFailed extends Error {
  constructor(cause: unknown) {
    super('batch handler failed', { cause });
  }
}

class ConnectionLost extends Error {
  constructor(cause: unknown) {
    super('lost connection to Kafka', { cause });
  }
}

/** Groups fetched messages by partition (order kept) and drops offsets this consumer already handled. */
export function toBatches(
  messages: PltMessage[],
  nextOffset: Map<string, bigint>,
  maxBatchSize: number,
): Batch[] {
  const byPartition = new Map<string, IncomingMessage[]>();
  for (const m of messages) {
    const key = `${m.topic}:${m.partition}`;
    const floor = nextOffset.get(key);
    if (floor !== undefined && m.offset < floor) continue;
    let list = byPartition.get(key);
    if (!list) byPartition.set(key, (list = []));
    list.push(toIncoming(m));
  }
  const batches: Batch[] = [];
  for (const list of byPartition.values()) {
    for (let i = 0; i < list.length; i += maxBatchSize) {
      const chunk = list.slice(i, i + maxBatchSize);
      const first = chunk[0]!;
      batches.push({
        topic: first.topic,
        partition: first.partition,
        messages: chunk,
        firstOffset: first.offset,
        lastOffset: chunk[chunk.length - 1]!.offset,
      });
    }
  }
  return batches;
}

function toIncoming(m: PltMessage): IncomingMessage {
  const headers: Record<string, string> = {};
  for (const [k, v] of m.headers) headers[k.toString('utf8')] = v ? v.toString('utf8') : '';
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset.toString(),
    key: m.key === undefined || m.key === null ? null : m.key.toString('utf8'),
    value: m.value ?? Buffer.alloc(0),
    headers,
    timestamp: Number(m.timestamp),
  };
}

/** close(true) skips leaving the group; used when the broker is unreachable anyway. */
function forceClose(client: { close(force?: boolean): Promise<void> }): Promise<void> {
  return client.close(true).catch(() => {});
}
