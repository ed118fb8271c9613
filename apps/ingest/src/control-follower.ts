import { randomUUID } from 'node:crypto';
import { decodeControlRecord, type ControlRecord } from '@tributary/contracts';
import { createBatchConsumer, type BatchConsumer } from '@tributary/kafka';
import type { Logger } from '@tributary/telemetry';
import type { SchemaRules } from '@tributary/pipeline';

export interface ControlFollower {
  /** Loads the snapshot, then follows the control topic. Resolves once the snapshot is held. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Epoch ms of the consumer's last fetch, for readiness. */
  lastActivityAt(): number;
}

/**
 * Keeps `rules` current: first the state from Postgres (the source of truth), then every record
 * of the compacted control topic.
 *
 * NOTE: the consumer reads the topic from the beginning, in a group of its own (every instance
 * must see every record). Starting at the latest offset instead would lose a change published
 * between the Postgres read and the moment the new group is positioned (and, after a reconnect
 * before the first commit, everything during the outage). The topic is compacted to one record
 * per key, so the replay is small, and records carry revisions: a replayed record older than the
 * snapshot is ignored, so the replay never rolls the state back, not even for a moment.
 */
export function createControlFollower(opts: {
  brokers: string[];
  topic: string;
  rules: SchemaRules;
  logger: Logger;
  loadSnapshot: () => Promise<{ revision: number; records: ControlRecord[] }>;
  /** Reloads from Postgres this often (0: never), in case a publish after a change failed. */
  reloadIntervalMs: number;
}): ControlFollower {
  const { rules, logger } = opts;
  let consumer: BatchConsumer | null = null;
  let reloadTimer: NodeJS.Timeout | null = null;

  async function reload() {
    try {
      const snapshot = await opts.loadSnapshot();
      rules.load(snapshot.revision, snapshot.records);
    } catch (err) {
      logger.warn({ err: String(err) }, 'periodic schema registry reload failed; will retry');
    }
  }

  return {
    async start() {
      const snapshot = await opts.loadSnapshot();
      rules.load(snapshot.revision, snapshot.records);
      logger.info(
        { records: snapshot.records.length, revision: snapshot.revision },
        'schema registry state loaded from Postgres',
      );
      consumer = createBatchConsumer({
        brokers: opts.brokers,
        clientId: 'tributary-ingest-control',
        groupId: `tributary-ingest-control-${randomUUID()}`,
        topics: [opts.topic],
        fromBeginning: true,
        maxWaitMs: 500,
        onReconnect: (reason, attempt) =>
          logger.warn({ reason, attempt }, 'control topic consumer reconnecting'),
      });
      await consumer.start(async (batch) => {
        for (const m of batch.messages) {
          const decoded = decodeControlRecord(m.key, m.value);
          if (!decoded.ok) {
            // A bad record must not stop the follower: later records of the key still apply.
            logger.warn({ key: m.key, offset: m.offset, reason: decoded.reason }, 'control record ignored');
            continue;
          }
          const r = decoded.record;
          if (rules.apply(r)) {
            logger.info(
              { kind: r.kind, name: r.name, revision: r.revision, deleted: r.state === null },
              'control record applied',
            );
          }
        }
      });
      void consumer.done.catch((err: unknown) =>
        logger.error({ err: String(err) }, 'control topic consumer stopped'),
      );
      if (opts.reloadIntervalMs > 0) {
        reloadTimer = setInterval(() => void reload(), opts.reloadIntervalMs);
        reloadTimer.unref();
      }
    },
    async stop() {
      if (reloadTimer) clearInterval(reloadTimer);
      await consumer?.stop();
    },
    lastActivityAt: () => consumer?.lastActivityAt() ?? 0,
  };
}
