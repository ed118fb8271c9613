// Shared by the processor integration tests: publishing through the real lifecycle and outbox
// relay, and reading what workers acknowledge.
import { Redis } from 'ioredis';
import { createClickHouse } from '@tributary/clickhouse';
import { topicNames, type Envelope, type ProcessorDefinitionInput } from '@tributary/contracts';
import { createOutboxRelay, type OutboxRelay } from '@tributary/control';
import { createDb, type Db } from '@tributary/db';
import type { Producer } from '@tributary/kafka';
import {
  createProcessor,
  createVersion,
  parseWorkerRunning,
  pauseProcessor,
  publishVersion,
  type WorkerRunning,
} from '@tributary/processors';
import { createLogger } from '@tributary/telemetry';
import type { Isolated } from '../../../../scripts/test-infra/fixtures.ts';
import { runningKey } from '../processors/running-ack.ts';

export const TEST_PII_SECRET = 'it-pii-secret-it-pii-secret-it-pii-secret';

export function testEnvelope(event_id: string, event_type: string, data: Record<string, unknown>): Envelope {
  const now = new Date().toISOString();
  return {
    event_id,
    event_type,
    timestamp: now,
    user_id: 'u1',
    data,
    metadata: {},
    schema_version: null,
    source: 'demo',
    write_key_id: 'k1',
    received_at: now,
  };
}

/** The console's side of a rollout, for tests: versions created, published, paused, hinted. */
export function createPublisher(iso: Isolated, producer: Producer) {
  const db: Db = createDb(iso.databaseUrl);
  const ch = createClickHouse({ url: iso.clickhouseUrl });
  const redis = new Redis(iso.redisUrl);
  const relay: OutboxRelay = createOutboxRelay({
    db,
    producer: { send: async (topic, messages) => void (await producer.send(topic, messages)) },
    topic: topicNames(iso.topicPrefix).control,
    logger: createLogger('it-relay', 'silent'),
  });
  const actor = { actor: 'user:it@example.com' };
  const lifecycle = {
    db,
    clickhouseDdl: { client: ch, database: iso.clickhouseDatabase },
    piiSecret: TEST_PII_SECRET,
  };
  return {
    db,
    async create(name: string) {
      await createProcessor(db, { name }, actor);
    },
    /** Creates a version and publishes it; returns its number once the hint is on the topic. */
    async publish(name: string, definition: ProcessorDefinitionInput): Promise<number> {
      const v = await createVersion(db, name, definition, { ...actor, piiSecret: TEST_PII_SECRET });
      await publishVersion(lifecycle, name, v.version, actor);
      await relay.drain();
      return v.version;
    },
    async pause(name: string) {
      await pauseProcessor(db, name, actor);
      await relay.drain();
    },
    async running(instance: string): Promise<WorkerRunning | null> {
      return parseWorkerRunning(await redis.get(runningKey(iso.redisPrefix, instance)));
    },
    async close() {
      await relay.stop();
      await db.$disconnect();
      await ch.close();
      redis.disconnect();
    },
  };
}
