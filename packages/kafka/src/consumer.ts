import { EventEmitter } from 'node:events';
import { Consumer as PltConsumer, type Message, type MessagesStream } from '@platformatic/kafka';
import { installClientGuards } from './client-guards.ts';
import { describeError } from './errors.ts';
import type {
  Batch,
  BatchConsumer,
  BatchHandler,
  ConsumerOptions,
  ConsumerStatus,
  IncomingMessage,
} from './types.ts';

export interface CreateBatchConsumerOptions extends ConsumerOptions {
  /** Called when a session ended and the client is about to be rebuilt, for logs and metrics. */
  onReconnect?: (reason: string, attempt: number) => void;
  /** Notable events that need no action (a commit lost to a rebalance, a partition revoked mid-batch). */
  onWarning?: (message: string, reason: string) => void;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /**
   * A handler rejection either ends the consumer ('stop', the default: `done` rejects with it) or
   * rebuilds it like a connection failure ('rebuild': close, back off 1 s → 30 s, rejoin), after
   * which the uncommitted batch is delivered again.
   */
  onHandlerError?: 'stop' | 'rebuild';
  /** Bound on the transport's own Kafka calls (commit, close); a call past it rebuilds the client. */
  operationTimeoutMs?: number;
  /** A member with partitions whose fetch loop answered nothing for this long is rebuilt. */
  fetchStallMs?: number;
}

type PltMessage = Message<Buffer, Buffer, Buffer, Buffer>;
type PltStream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

// Buffered messages before the fetch stream is paused: bounds memory while a handler is slow.
const HIGH_WATER = 10_000;
const REBALANCE_TIMEOUT_MS = 30_000;

/**
 * Consumer-group member that hands per-partition batches to one handler at a time and commits
 * `lastOffset + 1` only after the handler resolved.
 *
 * The library's fetch stream ends on the first broker error, and its client can be left in an
 * unknown state by its own faults (kafka-client-consumer-bug.md), so this owns the lifecycle:
 * one client + stream per session; any failure ends the session (in-flight batches are aborted
 * and awaited first), and a new client rejoins from the committed offsets after a backoff, until
 * stop(). Messages already handled are remembered per partition and skipped when a rejoin
 * fetches them again, so a rebuild never replays what this consumer finished.
 */
export function createBatchConsumer(opts: CreateBatchConsumerOptions): BatchConsumer {
  installClientGuards();
  const maxBatchSize = opts.maxBatchSize ?? 1000;
  const maxWaitMs = opts.maxWaitMs ?? 500;
  const fromBeginning = opts.fromBeginning ?? true;
  const sessionTimeoutMs = opts.sessionTimeoutMs ?? 10_000;
  const operationTimeoutMs = opts.operationTimeoutMs ?? 30_000;
  const fetchStallMs = opts.fetchStallMs ?? Math.max(30_000, 3 * sessionTimeoutMs);
  const onHandlerError = opts.onHandlerError ?? 'stop';

  let lastActivity = Date.now();
  let stopping = false;
  let started = false;
  let wake: (() => void) | null = null;
  const nextOffset = new Map<string, bigint>();
  const status: ConsumerStatus = { state: 'idle', partitions: 0, restarts: 0, lastError: null };
  /** Ends the current session (if any) with a reason; set while a session runs. */
  let endSession: ((reason: unknown) => void) | null = null;
  let resolveDone!: () => void;
  let rejectDone!: (err: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  // done may reject before anyone awaits it; the caller still sees it through `done`.
  done.catch(() => {});

  const touch = () => {
    lastActivity = Date.now();
  };
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

  /** One client + stream lifetime. Resolves when stopped; rejects with why it ended otherwise. */
  async function session(handler: BatchHandler): Promise<{ progressed: boolean }> {
    status.state = 'connecting';
    status.partitions = 0;
    const client = new PltConsumer({
      clientId: opts.clientId,
      groupId: opts.groupId,
      bootstrapBrokers: opts.brokers,
      ...(opts.sasl ? { sasl: { ...opts.sasl } } : {}),
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: opts.heartbeatIntervalMs ?? Math.min(1000, Math.floor(sessionTimeoutMs / 3)),
      rebalanceTimeout: REBALANCE_TIMEOUT_MS,
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
    let failure: unknown = null;
    let progressed = false;
    /** Partitions ("topic:partition") this member owns, from the latest join. */
    let owned = new Set<string>();
    /** Batches being handled, by partition: aborted when the partition is revoked or the session ends. */
    const inFlight = new Map<string, AbortController>();
    let lastFetch = Date.now();

    const fail = (err: unknown) => {
      if (stopping) return;
      failure ??= err;
      for (const ac of inFlight.values()) ac.abort(new SessionEnded(failure));
      notify();
    };
    endSession = fail;
    const setOwned = (assignments: { topic: string; partitions: number[] }[] | null | undefined) => {
      owned = new Set((assignments ?? []).flatMap((a) => a.partitions.map((p) => `${a.topic}:${p}`)));
      status.partitions = owned.size;
      for (const [key, ac] of inFlight) {
        if (!owned.has(key)) {
          opts.onWarning?.('partition revoked while a batch was in flight; aborting it', key);
          ac.abort(new PartitionRevoked(key));
        }
      }
    };

    // NOTE: a failed rejoin is emitted as 'error' on the client; without a listener that throws.
    (client as unknown as EventEmitter).on('error', fail);
    // A heartbeat that fails repeatedly means the group coordinator is gone.
    client.on('consumer:heartbeat:error', ({ error }) => fail(error));
    client.on('consumer:group:join', ({ assignments }) => {
      setOwned(assignments);
      touch();
    });
    try {
      stream = await withDeadline(
        client.consume({
          topics: opts.topics,
          mode: 'committed',
          fallbackMode: fromBeginning ? 'earliest' : 'latest',
          autocommit: false,
          maxWaitTime: maxWaitMs,
        }),
        operationTimeoutMs + REBALANCE_TIMEOUT_MS,
        'joining the group',
        (late) => void late.close().catch(() => {}),
      );
      const s = stream;
      setOwned(client.assignments);
      status.state = 'joined';
      touch();
      s.on('data', (m: PltMessage) => {
        buffer.push(m);
        if (buffer.length >= HIGH_WATER) s.pause();
        notify();
      });
      s.on('fetch', () => {
        lastFetch = Date.now();
        touch();
      });
      s.on('error', fail);
      s.on('close', () => fail(new Error('fetch stream closed')));

      while (!stopping) {
        if (failure) throw new ConnectionLost(failure);
        if (buffer.length === 0) {
          if (s.isPaused()) {
            s.resume();
            lastFetch = Date.now();
          }
          // A member without partitions fetches nothing, and is idle, not stalled.
          if (owned.size === 0) touch();
          else if (Date.now() - lastFetch > fetchStallMs) {
            throw new ConnectionLost(new Error(`no fetch answered for ${fetchStallMs} ms`));
          }
          // Wakes periodically so stop() and stream errors are noticed without traffic.
          await pause(1000);
          continue;
        }
        touch();
        // Messages of partitions given up since they were fetched belong to their new owner.
        const taken = buffer.splice(0, buffer.length).filter((m) => owned.has(`${m.topic}:${m.partition}`));
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
            const ac = new AbortController();
            inFlight.set(key, ac);
            try {
              for (const batch of batches) {
                // NOTE: stop() lets the batch in flight finish and commit, but starts no new one.
                if (stopping || ac.signal.aborted || failure) return;
                try {
                  await handler(batch, { signal: ac.signal, progress: touch });
                } catch (err) {
                  // An aborted batch is expected to give up; its new owner redoes it.
                  if (ac.signal.aborted) return;
                  throw new HandlerFailed(err);
                }
                const next = BigInt(batch.lastOffset) + 1n;
                nextOffset.set(key, next);
                touch();
                progressed = true;
                if (ac.signal.aborted) return;
                await commit(client, batch, next);
              }
            } finally {
              inFlight.delete(key);
            }
          }),
        );
        // The fetch watchdog measures idle time only: a long batch is not a stalled fetch loop.
        lastFetch = Math.max(lastFetch, Date.now());
        // Every lane has settled before a failure ends the session: no handler of this session
        // can still be running when a new session hands the same partition out again.
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      }
      return { progressed };
    } catch (err) {
      // The reason the session ended first (e.g. a heartbeat error) explains more than a later
      // symptom of it; a handler error is always reported as itself.
      if (err instanceof HandlerFailed) throw err;
      throw failure && !(err instanceof ConnectionLost) ? new ConnectionLost(failure) : err;
    } finally {
      endSession = null;
      status.partitions = 0;
      // Closing can take up to its deadlines: the member is no longer working meanwhile.
      if (!stopping) status.state = 'rebuilding';
      for (const ac of inFlight.values()) ac.abort(new SessionEnded(failure));
      if (stream)
        await withDeadline(stream.close(), operationTimeoutMs, 'closing the stream').catch(() => {});
      // Leaving the group (not forced) hands partitions over at once instead of after the
      // session timeout; a client that cannot leave is closed without it.
      await withDeadline(client.close(), operationTimeoutMs, 'leaving the group').catch(() =>
        withDeadline(forceClose(client), operationTimeoutMs, 'closing the client').catch(() => {}),
      );
    }
  }

  /**
   * Commits after the handler. A commit refused because the group is rebalancing is not a
   * failure: the library rejoins by itself, and whoever owns the partition next starts at the
   * last commit (the effects are idempotent). Any other failure, or no answer, ends the session.
   */
  async function commit(client: PltConsumer, batch: Batch, next: bigint) {
    try {
      await withDeadline(
        client.commit({
          offsets: [{ topic: batch.topic, partition: batch.partition, offset: next, leaderEpoch: -1 }],
        }),
        operationTimeoutMs,
        'committing offsets',
      );
    } catch (err) {
      if (needsRejoin(err)) {
        opts.onWarning?.(
          'commit refused during a rebalance; the next owner resumes from the last commit',
          describeError(err),
        );
        return;
      }
      // The handler's effects are durable; the batch is only redelivered if this partition
      // moves to another member before a later commit covers it (effects are idempotent).
      throw new ConnectionLost(err);
    }
  }

  async function run(handler: BatchHandler): Promise<void> {
    let attempt = 0;
    while (!stopping) {
      try {
        const { progressed } = await session(handler);
        if (progressed) attempt = 0;
      } catch (err) {
        if (stopping) break;
        const handlerFailed = err instanceof HandlerFailed;
        if (handlerFailed && onHandlerError === 'stop') throw err.cause;
        attempt++;
        status.restarts++;
        const cause = err instanceof ConnectionLost || handlerFailed ? err.cause : err;
        const reason = describeError(handlerFailed ? cause : unwrapSessionEnded(cause));
        status.lastError = handlerFailed ? `batch handler failed: ${reason}` : reason;
        status.state = 'rebuilding';
        touch();
        opts.onReconnect?.(status.lastError, attempt);
        // Connection trouble is retried quickly (the broker is usually back in seconds); a
        // handler failure or a forced restart backs off further, so a batch that keeps failing
        // does not spin.
        const slow = handlerFailed || unwrapSessionEnded(cause) instanceof ForcedRestart;
        const delay = slow
          ? Math.min(1000 * 2 ** Math.min(attempt - 1, 5), 30_000)
          : Math.min(200 * 2 ** Math.min(attempt - 1, 4), 3000);
        // The backoff is a turn of the loop too: a consumer waiting to reconnect is not stalled.
        const until = Date.now() + delay;
        while (!stopping && Date.now() < until) {
          await pause(Math.min(1000, until - Date.now()));
          touch();
        }
      }
    }
  }

  return {
    done,
    lastActivityAt: () => lastActivity,
    status: () => ({ ...status }),
    async start(handler) {
      if (started) throw new Error('consumer already started');
      started = true;
      touch();
      run(handler).then(
        () => {
          status.state = 'stopped';
          resolveDone();
        },
        (err: unknown) => {
          status.state = 'stopped';
          rejectDone(err);
        },
      );
    },
    restart(reason) {
      endSession?.(new ForcedRestart(reason));
    },
    async stop() {
      stopping = true;
      notify();
      if (!started) {
        status.state = 'stopped';
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

class ForcedRestart extends Error {
  constructor(reason: string) {
    super(`restart requested: ${reason}`);
  }
}

/** Abort reason of a batch whose session ended. */
class SessionEnded extends Error {
  constructor(cause: unknown) {
    super('consumer session ended', { cause });
  }
}

/** Abort reason of a batch whose partition moved to another member. */
export class PartitionRevoked extends Error {
  constructor(key: string) {
    super(`partition ${key} was assigned to another member`);
  }
}

function unwrapSessionEnded(err: unknown): unknown {
  return err instanceof SessionEnded ? err.cause : err;
}

function needsRejoin(err: unknown): boolean {
  const e = err as { findBy?: (key: string, value: unknown) => unknown };
  return typeof e?.findBy === 'function' && Boolean(e.findBy('needsRejoin', true));
}

/**
 * Rejects with a timeout error if `promise` has not settled within `ms`. `onLate` receives a
 * value that arrives after the deadline (to close what nobody will use).
 */
function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  onLate?: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      reject(new Error(`Kafka client did not finish ${what} within ${ms} ms`));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        if (expired) onLate?.(value);
        else resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
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

/** close(true) skips leaving the group; used when the group cannot be left anyway. */
function forceClose(client: { close(force?: boolean): Promise<void> }): Promise<void> {
  return client.close(true);
}
