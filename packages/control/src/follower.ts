import { randomUUID } from 'node:crypto';
import { decodeControlHint, type ControlKind } from '@tributary/contracts';
import {
  createBatchConsumer,
  type BatchConsumer,
  type IncomingMessage,
  type KafkaSasl,
} from '@tributary/kafka';
import type { ControlLogger } from './logger.ts';

export type ControlHandlers = Partial<Record<ControlKind, (names: string[]) => Promise<void> | void>>;

export interface ControlFollowerOptions {
  brokers: string[];
  sasl?: KafkaSasl;
  topic: string;
  /** Kafka client id; each instance's consumer group is this plus a random suffix. */
  clientId: string;
  /** A pino Logger of @tributary/telemetry fits; the console passes its JSON console logger. */
  logger: ControlLogger;
  /**
   * Called with the distinct names hinted in one batch, per kind, in the order of this object's
   * keys (put a handler that must not wait for Postgres, like dropping a key cache, first).
   * Kinds without a handler are ignored. A handler re-reads what it was told about; it gets no
   * state from the record.
   */
  handlers: ControlHandlers;
  /**
   * Full re-read from Postgres: at start (before start() resolves), every reloadIntervalMs, a
   * second after a failed handler or reload, and instead of a kind's handler when a batch hints
   * more than fullReloadAbove names of that kind.
   */
  reload: () => Promise<void>;
  /** 0: no periodic reload. */
  reloadIntervalMs: number;
  /** Default 20. */
  fullReloadAbove?: number;
}

export interface ControlFollower {
  /** Runs the first reload (rejects if it fails), then follows the topic. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Epoch ms of the consumer's last sign of life, for readiness. */
  lastActivityAt(): number;
}

const RETRY_AFTER_FAILURE_MS = 1000;

/**
 * Follows the control topic and tells each handler which names of its kind changed.
 *
 * CRITICAL: a record is a hint, never the state. Only its kind and name are read; whatever state
 * it carries (subjects and sources still carry theirs, for people reading the topic) is dropped
 * here, so handlers cannot trust it by mistake. A record written by anyone who reached the broker
 * therefore changes nothing: at worst it causes a re-read (docs/decisions/key-revocation.md).
 *
 * NOTE: every instance reads the whole topic from the beginning, in a consumer group of its own
 * (each must see every record). A change published between the start-up reload and the moment the
 * group is positioned is then still seen; the replay of the compacted topic (one record per key)
 * arrives as large batches, which fullReloadAbove turns into one full reload.
 */
export function createControlFollower(opts: ControlFollowerOptions): ControlFollower {
  const { logger } = opts;
  const fullReloadAbove = opts.fullReloadAbove ?? 20;
  let consumer: BatchConsumer | null = null;
  let reloadTimer: NodeJS.Timeout | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let stopped = false;

  async function reload(cause: string) {
    try {
      await opts.reload();
      logger.debug({ cause }, 'control follower: state re-read from Postgres');
    } catch (err) {
      logger.warn({ err: String(err), cause }, 'control follower: reload from Postgres failed; will retry');
      retrySoon();
    }
  }

  /** A failed re-read does not lose its hint: a full reload follows shortly. */
  function retrySoon() {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void reload('retry');
    }, RETRY_AFTER_FAILURE_MS);
    retryTimer.unref();
  }

  async function handle(messages: IncomingMessage[]) {
    const hinted = new Map<ControlKind, Set<string>>();
    for (const m of messages) {
      const decoded = decodeControlHint(m.key, m.value);
      if (!decoded.ok) {
        // A bad record must not stop the follower: later records still count.
        logger.warn({ key: m.key, offset: m.offset, reason: decoded.reason }, 'control record ignored');
        continue;
      }
      const { kind, name } = decoded.hint;
      let names = hinted.get(kind);
      if (!names) hinted.set(kind, (names = new Set()));
      names.add(name);
    }
    let reloadInstead = false;
    for (const [kind, handler] of Object.entries(opts.handlers) as Array<
      [ControlKind, ControlHandlers[ControlKind]]
    >) {
      const names = hinted.get(kind);
      if (!names || !handler) continue;
      if (names.size > fullReloadAbove) {
        reloadInstead = true;
        continue;
      }
      try {
        await handler([...names]);
      } catch (err) {
        logger.warn(
          { err: String(err), kind, names: names.size },
          'control handler failed; reloading shortly',
        );
        retrySoon();
      }
    }
    if (reloadInstead) await reload('many hints');
  }

  return {
    async start() {
      stopped = false;
      await opts.reload();
      consumer = createBatchConsumer({
        brokers: opts.brokers,
        sasl: opts.sasl,
        clientId: opts.clientId,
        groupId: `${opts.clientId}-${randomUUID()}`,
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
        reloadTimer = setInterval(() => void reload('interval'), opts.reloadIntervalMs);
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
