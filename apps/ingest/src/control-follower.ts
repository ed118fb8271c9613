import { randomUUID } from 'node:crypto';
import { decodeControlMessage, type ControlRecord } from '@tributary/contracts';
import {
  createBatchConsumer,
  type BatchConsumer,
  type IncomingMessage,
  type KafkaSasl,
} from '@tributary/kafka';
import type { Logger } from '@tributary/telemetry';
import type { SchemaRules } from '@tributary/pipeline';

export interface ControlFollower {
  /** Loads the snapshot, then follows the control topic. Resolves once the snapshot is held. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Epoch ms of the consumer's last fetch, for readiness. */
  lastActivityAt(): number;
}

/** A piece of registry state a control record can name. */
export type StatePiece = { kind: 'subject' | 'source'; name: string };

export interface ControlFollowerOptions {
  brokers: string[];
  sasl?: KafkaSasl;
  topic: string;
  rules: SchemaRules;
  logger: Logger;
  /** Every subject and source, read from Postgres in one snapshot. */
  loadSnapshot: () => Promise<{ revision: number; records: ControlRecord[] }>;
  /** One subject's or source's current state, read from Postgres (a tombstone when gone). */
  loadPiece: (piece: StatePiece) => Promise<ControlRecord>;
  /** A write_keys hint arrived: forget cached write keys. */
  onWriteKeysChanged: () => void;
  /** Reloads from Postgres this often (0: never), in case a publish after a change failed. */
  reloadIntervalMs: number;
  /** A batch naming more pieces than this is answered with one full snapshot instead. */
  fullReloadAbove?: number;
}

const RETRY_AFTER_FAILURE_MS = 1000;

/**
 * Keeps `rules` (and, through `onWriteKeysChanged`, the write-key cache) current.
 *
 * CRITICAL: a control record is a hint, never the state. On a record naming a subject or a
 * source, the follower re-reads that piece from Postgres and applies what Postgres says (with
 * the revision of that read); the record's own payload and revision are not used. So a record
 * written by anyone who reached the broker — a forged schema, a revision from the far future —
 * changes nothing: at worst it causes a re-read. See docs/decisions/key-revocation.md.
 *
 * NOTE: the consumer reads the topic from the beginning, in a group of its own (every instance
 * must see every record): a change published between the start-up snapshot and the moment the
 * new group is positioned would otherwise go unnoticed until the periodic reload. The compacted
 * topic holds one record per key, so that replay is one full re-read (fullReloadAbove).
 */
export function createControlFollower(opts: ControlFollowerOptions): ControlFollower {
  const { rules, logger } = opts;
  const fullReloadAbove = opts.fullReloadAbove ?? 20;
  let consumer: BatchConsumer | null = null;
  let reloadTimer: NodeJS.Timeout | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let stopped = false;

  async function loadAll(): Promise<number> {
    const snapshot = await opts.loadSnapshot();
    rules.load(snapshot.revision, snapshot.records);
    return snapshot.records.length;
  }

  async function reload() {
    try {
      await loadAll();
    } catch (err) {
      logger.warn({ err: String(err) }, 'schema registry reload from Postgres failed; will retry');
      retrySoon();
    }
  }

  /** After a failed re-read the hint is not lost: a full reload follows shortly. */
  function retrySoon() {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void reload();
    }, RETRY_AFTER_FAILURE_MS);
    retryTimer.unref();
  }

  async function reread(pieces: StatePiece[]) {
    try {
      if (pieces.length > fullReloadAbove) {
        const count = await loadAll();
        logger.info(
          { hinted: pieces.length, records: count },
          'control hints: registry state re-read from Postgres',
        );
        return;
      }
      for (const piece of pieces) {
        const current = await opts.loadPiece(piece);
        if (rules.apply(current)) {
          logger.info(
            {
              kind: piece.kind,
              name: piece.name,
              revision: current.revision,
              deleted: current.state === null,
            },
            'control hint: state re-read from Postgres and applied',
          );
        }
      }
    } catch (err) {
      logger.warn({ err: String(err) }, 're-reading hinted state from Postgres failed; reloading shortly');
      retrySoon();
    }
  }

  async function handle(messages: IncomingMessage[]) {
    const pieces = new Map<string, StatePiece>();
    let writeKeys = false;
    for (const m of messages) {
      const decoded = decodeControlMessage(m.key, m.value);
      if (!decoded.ok) {
        // A bad record must not stop the follower: later records still count.
        logger.warn({ key: m.key, offset: m.offset, reason: decoded.reason }, 'control record ignored');
        continue;
      }
      const r = decoded.record;
      if (r.kind === 'write_keys') writeKeys = true;
      else pieces.set(`${r.kind}:${r.name}`, { kind: r.kind, name: r.name });
    }
    // First, and without waiting for Postgres: a revoked key must stop working at once.
    if (writeKeys) {
      opts.onWriteKeysChanged();
      logger.info('control hint: write keys changed; cached keys dropped');
    }
    if (pieces.size > 0) await reread([...pieces.values()]);
  }

  return {
    async start() {
      const count = await loadAll();
      logger.info({ records: count }, 'schema registry state loaded from Postgres');
      consumer = createBatchConsumer({
        brokers: opts.brokers,
        sasl: opts.sasl,
        clientId: 'tributary-ingest-control',
        groupId: `tributary-ingest-control-${randomUUID()}`,
        topics: [opts.topic],
        fromBeginning: true,
        maxWaitMs: 500,
        onReconnect: (reason, attempt) =>
          logger.warn({ reason, attempt }, 'control topic consumer reconnecting'),
      });
      await consumer.start((batch) => handle(batch.messages));
      void consumer.done.catch((err: unknown) =>
        logger.error({ err: String(err) }, 'control topic consumer stopped'),
      );
      if (opts.reloadIntervalMs > 0) {
        reloadTimer = setInterval(() => void reload(), opts.reloadIntervalMs);
        reloadTimer.unref();
      }
    },
    async stop() {
      stopped = true;
      if (reloadTimer) clearInterval(reloadTimer);
      if (retryTimer) clearTimeout(retryTimer);
      await consumer?.stop();
    },
    lastActivityAt: () => consumer?.lastActivityAt() ?? 0,
  };
}
