// The console's server starts its outbox relay at boot (instrumentation.ts): a hint a crashed
// console committed but never published goes out without anyone touching the console. Real
// Postgres and Kafka.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { decodeControlHint, topicNames, topicSpecs } from '@tributary/contracts';
import { enqueueControl } from '@tributary/control';
import { createDb, createTestDatabase, type Db, type TestDatabase } from '@tributary/db';
import { createAdmin, createBatchConsumer, type Admin } from '@tributary/kafka';
import { eventually } from '@tributary/testing';
import '../../../../scripts/test-infra/provided-context.ts';

let testDb: TestDatabase;
let db: Db;
let admin: Admin;
let topic: string;
const runtimeBefore = process.env.NEXT_RUNTIME;

beforeAll(async () => {
  testDb = await createTestDatabase(inject('postgresUrl'));
  db = createDb(testDb.url);
  const prefix = `itrelay${Date.now().toString(36)}.`;
  topic = topicNames(prefix).control;
  admin = createAdmin({ brokers: inject('kafkaBrokers').split(','), clientId: 'it-web-relay' });
  await admin.ensureTopics(topicSpecs(prefix).filter((t) => t.name === topic));
  // NOTE: the console's env is parsed when first imported, so instrumentation loads after this.
  process.env.DATABASE_URL = testDb.url;
  process.env.KAFKA_BROKERS = inject('kafkaBrokers');
  process.env.TOPIC_PREFIX = prefix;
  process.env.REPLAY_SUPERVISOR_INTERVAL_MS = '0';
});

afterAll(async () => {
  if (runtimeBefore === undefined) delete process.env.NEXT_RUNTIME;
  else process.env.NEXT_RUNTIME = runtimeBefore;
  await (await import('./control.ts')).closeControlProducer();
  await (await import('./db.ts')).getDb().$disconnect();
  await admin?.deleteTopics([topic]).catch(() => {});
  await admin?.close();
  await db?.$disconnect();
  await testDb?.drop();
});

describe('the console server at boot', () => {
  it('publishes what a crashed console left in the outbox', async () => {
    // A console committed a processor change, then died before its relay ran.
    await db.$transaction((tx) => enqueueControl(tx, [{ kind: 'processor', name: 'left_by_crash' }]));

    process.env.NEXT_RUNTIME = 'nodejs';
    const { register } = await import('../instrumentation.ts');
    await register();

    await eventually(
      async () => (await db.controlOutbox.count({ where: { publishedAt: null } })) === 0,
      30_000,
      {
        what: 'the left-over row published by the relay the server started',
      },
    );
    const hints: string[] = [];
    const reader = createBatchConsumer({
      brokers: inject('kafkaBrokers').split(','),
      clientId: 'it-web-relay-reader',
      groupId: `it-web-relay-${Math.random().toString(36).slice(2)}`,
      topics: [topic],
      fromBeginning: true,
      maxWaitMs: 100,
    });
    await reader.start(async (batch) => {
      for (const m of batch.messages) {
        const d = decodeControlHint(m.key, m.value);
        if (d.ok) hints.push(`${d.hint.kind}:${d.hint.name}`);
      }
    });
    try {
      await eventually(() => hints.length > 0, 30_000, { what: 'the hint on the control topic' });
    } finally {
      await reader.stop();
    }
    expect(hints).toEqual(['processor:left_by_crash']);
  });
});
