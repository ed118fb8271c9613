// A schema registered through the management API is published on the control topic, as ingest
// reads it: the real route, a real Postgres database and the run's real Kafka broker.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { decodeControlRecord, topicNames, topicSpecs, type ControlRecord } from '@tributary/contracts';
import { createDb, createTestDatabase, issueApiKey, type Db, type TestDatabase } from '@tributary/db';
import { createAdmin, createBatchConsumer, type Admin } from '@tributary/kafka';
import '../../../../scripts/test-infra/provided-context.ts';

type Post = (req: Request, ctx: { params: Promise<{ subject: string }> }) => Promise<Response>;

let testDb: TestDatabase;
let db: Db;
let admin: Admin;
let prefix: string;
let post: Post;
let apiKey: string;

beforeAll(async () => {
  testDb = await createTestDatabase(inject('postgresUrl'));
  db = createDb(testDb.url);
  prefix = `itweb${Date.now().toString(36)}.`;
  admin = createAdmin({ brokers: inject('kafkaBrokers').split(','), clientId: 'it-web-control' });
  await admin.ensureTopics(topicSpecs(prefix));
  // NOTE: the console's env is parsed when first imported, so the route loads only after this.
  process.env.DATABASE_URL = testDb.url;
  process.env.KAFKA_BROKERS = inject('kafkaBrokers');
  process.env.TOPIC_PREFIX = prefix;
  post = ((await import('../app/api/v1/schemas/[subject]/versions/route.ts')) as { POST: Post }).POST;
  apiKey = (await issueApiKey(db, { name: 'ci', scopes: ['admin'] })).key;
});

afterAll(async () => {
  await (await import('./control.ts')).closeControlProducer();
  await (await import('./db.ts')).getDb().$disconnect();
  await admin?.deleteTopics(topicSpecs(prefix).map((t) => t.name)).catch(() => {});
  await admin?.close();
  await db?.$disconnect();
  await testDb?.drop();
});

async function controlRecords(atLeast: number): Promise<ControlRecord[]> {
  const records: ControlRecord[] = [];
  const consumer = createBatchConsumer({
    brokers: inject('kafkaBrokers').split(','),
    clientId: 'it-web-control-reader',
    groupId: `it-web-control-${Math.random().toString(36).slice(2)}`,
    topics: [topicNames(prefix).control],
    fromBeginning: true,
    maxWaitMs: 100,
  });
  await consumer.start(async (batch) => {
    for (const m of batch.messages) {
      const decoded = decodeControlRecord(m.key, m.value);
      if (decoded.ok) records.push(decoded.record);
    }
  });
  const deadline = Date.now() + 30_000;
  try {
    while (records.length < atLeast && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  } finally {
    await consumer.stop();
  }
  return records;
}

describe('console publishes registry changes', () => {
  it('puts the subject’s full state on the control topic when the API registers a version', async () => {
    const schema = {
      type: 'object',
      properties: { sku: { type: 'string' } },
      required: ['sku'],
      additionalProperties: false,
    };
    const res = await post(
      new Request('http://127.0.0.1:3000/api/v1/schemas/cart_add/versions', {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ schema }),
      }),
      { params: Promise.resolve({ subject: 'cart_add' }) },
    );
    expect(res.status).toBe(201);
    const [record] = await controlRecords(1);
    expect(record).toMatchObject({
      kind: 'subject',
      name: 'cart_add',
      state: {
        enforcement: 'enforce',
        compatibility: 'BACKWARD',
        latestVersion: 1,
        versions: [{ version: 1, schema }],
      },
    });
  });
});
