// Shared by this package's integration tests: a migrated Postgres database of their own and a
// control topic under a prefix of their own, on the run's real services.
import { inject } from 'vitest';
import { topicNames, topicSpecs } from '@tributary/contracts';
import { createDb, createTestDatabase, type Db, type TestDatabase } from '@tributary/db';
import {
  createAdmin,
  createBatchConsumer,
  createProducer,
  type Admin,
  type IncomingMessage,
  type Producer,
} from '@tributary/kafka';
import { uniquePrefix } from '@tributary/testing';
import '../../../scripts/test-infra/provided-context.ts';
import type { ControlLogger } from './logger.ts';

export interface ControlTestbed {
  db: Db;
  producer: Producer;
  brokers: string[];
  topic: string;
  cleanup(): Promise<void>;
}

export async function controlTestbed(): Promise<ControlTestbed> {
  const testDb: TestDatabase = await createTestDatabase(inject('postgresUrl'));
  const db = createDb(testDb.url);
  const brokers = inject('kafkaBrokers').split(',');
  const prefix = uniquePrefix();
  const topic = topicNames(prefix).control;
  const admin: Admin = createAdmin({ brokers, clientId: 'it-control-admin' });
  await admin.ensureTopics(topicSpecs(prefix).filter((t) => t.name === topic));
  const producer = createProducer({ brokers, clientId: 'it-control-producer' });
  return {
    db,
    producer,
    brokers,
    topic,
    async cleanup() {
      await producer.close().catch(() => {});
      await admin.deleteTopics([topic]).catch(() => {});
      await admin.close();
      await db.$disconnect();
      await testDb.drop();
    },
  };
}

/** Every message on `topic` from the beginning, read until `enough` says so (30 s at most). */
export async function readTopic(
  brokers: string[],
  topic: string,
  enough: (all: IncomingMessage[]) => boolean,
): Promise<IncomingMessage[]> {
  const seen: IncomingMessage[] = [];
  const consumer = createBatchConsumer({
    brokers,
    clientId: 'it-control-reader',
    groupId: `it-control-reader-${Math.random().toString(36).slice(2)}`,
    topics: [topic],
    fromBeginning: true,
    maxWaitMs: 100,
  });
  await consumer.start(async (batch) => {
    seen.push(...batch.messages);
  });
  const deadline = Date.now() + 30_000;
  try {
    while (!enough(seen) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  } finally {
    await consumer.stop();
  }
  return seen;
}

/** Collects warnings (a test checks what was ignored); the rest is dropped. */
export function testLogger(): ControlLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    debug: () => {},
    info: () => {},
    warn: (_obj, msg) => void warnings.push(msg),
    error: (_obj, msg) => void warnings.push(msg),
  };
}
