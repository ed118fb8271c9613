import { controlKinds, type ControlHint, type ControlKind, type ControlMessage } from '@tributary/contracts';
import type { Db } from '@tributary/db';
import type { ControlLogger } from './logger.ts';

/** What the relay needs of a producer (structurally `Producer` of @tributary/kafka). */
export interface ControlRelayProducer {
  send(topic: string, messages: Array<{ key: string; value: string }>): Promise<void>;
}

export interface OutboxRelayOptions {
  db: Db;
  producer: ControlRelayProducer;
  topic: string;
  /** A pino Logger of @tributary/telemetry fits; the console passes its JSON console logger. */
  logger: ControlLogger;
  /** Safety net for rows nobody kicked for (a crash, another process's commit). Default 1000 ms. */
  pollIntervalMs?: number;
  /** Rows locked and published per transaction. Default 500. */
  batchSize?: number;
  /**
   * The record to publish for a hint. Default: the bare hint `{ kind, name, revision }`. The
   * console passes the registry's current state for subjects and sources, so a person reading the
   * topic sees what changed; followers never use it (docs/decisions/control-outbox.md).
   */
  describe?: (hint: ControlHint) => Promise<ControlMessage>;
  /** Published rows older than this are deleted (checked about once a minute). Default 24 h. */
  retainPublishedMs?: number;
}

export interface OutboxRelay {
  /** Publishes what is waiting now, then polls. */
  start(): void;
  /** Publish soon (call after a commit that enqueued hints); calls close together share one pass. */
  kick(): void;
  /** Publishes every row unpublished when it runs; resolves with how many rows this call published. */
  drain(): Promise<number>;
  /** Stops polling and waits for the pass in flight. */
  stop(): Promise<void>;
}

const isKind = (k: string): k is ControlKind => (controlKinds as readonly string[]).includes(k);

const PRUNE_EVERY_MS = 60_000;
const FAILURE_LOG_EVERY_MS = 30_000;

/**
 * Publishes control_outbox rows on the control topic, oldest first, and marks them published.
 *
 * Each pass locks a batch of unpublished rows with FOR UPDATE SKIP LOCKED, sends them, and marks
 * them in the same transaction: several relays (one per console process) never publish the same
 * committed mark twice, and none waits on another's rows. A crash after the send but before the
 * commit leaves the rows unpublished, so they are sent again: delivery is at-least-once, which
 * is harmless because records are hints (a follower re-reads Postgres on each).
 */
export function createOutboxRelay(opts: OutboxRelayOptions): OutboxRelay {
  const { db, producer, topic, logger } = opts;
  const pollIntervalMs = opts.pollIntervalMs ?? 1000;
  const batchSize = opts.batchSize ?? 500;
  const retainPublishedMs = opts.retainPublishedMs ?? 24 * 60 * 60 * 1000;
  const describe =
    opts.describe ??
    ((h: ControlHint) => Promise.resolve({ ...h, revision: Date.now() * 1000 } as ControlMessage));

  let chain: Promise<unknown> = Promise.resolve();
  let kickQueued = false;
  let stopped = false;
  let pollTimer: NodeJS.Timeout | null = null;
  let lastPrune = 0;
  let failingSince: number | null = null;
  let lastFailureLog = 0;

  /** One transaction: lock a batch, send it, mark it. Returns rows taken (published or skipped). */
  async function publishBatch(): Promise<number> {
    return db.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<Array<{ id: bigint; kind: string; name: string }>>`
          SELECT id, kind, name FROM control_outbox
          WHERE published_at IS NULL
          ORDER BY id
          LIMIT ${batchSize}
          FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return 0;
        // Several rows of one key in a batch are one hint: the follower re-reads the latest state.
        const hints = new Map<string, ControlHint>();
        for (const r of rows) {
          if (!isKind(r.kind)) {
            logger.error(
              { id: String(r.id), kind: r.kind },
              'control outbox row of an unknown kind; marked without publishing',
            );
            continue;
          }
          const key = `${r.kind}:${r.name}`;
          if (!hints.has(key)) hints.set(key, { kind: r.kind, name: r.name });
        }
        const messages = await Promise.all(
          [...hints.entries()].map(async ([key, h]) => ({ key, value: JSON.stringify(await describe(h)) })),
        );
        if (messages.length > 0) await producer.send(topic, messages);
        await tx.controlOutbox.updateMany({
          where: { id: { in: rows.map((r) => r.id) } },
          data: { publishedAt: new Date() },
        });
        return rows.length;
      },
      { maxWait: 10_000, timeout: 30_000 },
    );
  }

  async function prune() {
    if (Date.now() - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = Date.now();
    await db.controlOutbox.deleteMany({
      where: { publishedAt: { lt: new Date(Date.now() - retainPublishedMs) } },
    });
  }

  async function drainAll(): Promise<number> {
    kickQueued = false;
    let total = 0;
    for (;;) {
      const taken = await publishBatch();
      total += taken;
      // A short batch means nothing else was waiting (or the rest is locked by another relay).
      if (taken < batchSize) break;
    }
    await prune();
    return total;
  }

  function drain(): Promise<number> {
    const run = chain.then(drainAll, drainAll);
    chain = run.catch(() => {});
    return run;
  }

  function kick() {
    if (stopped || kickQueued) return;
    kickQueued = true;
    drain().then(
      (n) => {
        if (failingSince !== null) {
          logger.info({ failedForMs: Date.now() - failingSince }, 'control outbox publishing again');
          failingSince = null;
        }
        if (n > 0) logger.debug({ rows: n }, 'control outbox published');
      },
      (err: unknown) => {
        // The poll retries every second while the broker or Postgres is away: one line when it
        // starts failing and one per FAILURE_LOG_EVERY_MS after, not one per poll.
        const now = Date.now();
        if (failingSince === null) failingSince = now;
        if (now - lastFailureLog < FAILURE_LOG_EVERY_MS) return;
        lastFailureLog = now;
        logger.warn(
          { err: String(err), failingForMs: now - failingSince },
          'publishing the control outbox failed; the next poll retries',
        );
      },
    );
  }

  function schedulePoll() {
    if (stopped) return;
    pollTimer = setTimeout(() => {
      kick();
      // The next poll is timed from after this pass, so a slow broker does not pile passes up.
      void chain.then(schedulePoll);
    }, pollIntervalMs);
    pollTimer.unref();
  }

  return {
    start() {
      stopped = false;
      kick();
      schedulePoll();
    },
    kick,
    drain,
    async stop() {
      stopped = true;
      if (pollTimer) clearTimeout(pollTimer);
      await chain;
    },
  };
}
