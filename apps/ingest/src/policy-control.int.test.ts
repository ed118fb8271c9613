// Enforcement and unknown-event-type policy changed through the registry's own functions switch a
// running ingest instance's behaviour with no publish call at all: each change wrote its hint to
// the control outbox, an outbox relay (as the console runs) publishes it, and ingest's follower
// re-reads Postgres. Ingest's periodic reload is off, so only the hint can deliver the change
// (real Postgres, Kafka, ClickHouse).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicNames } from '@tributary/contracts';
import { createDb, DEMO_SOURCE_NAME, type Db } from '@tributary/db';
import { createProducer, type Producer } from '@tributary/kafka';
import { createOutboxRelay, type OutboxRelay } from '@tributary/control';
import { registerVersion, setEnforcement, setSourcePolicy } from '@tributary/registry';
import { createLogger } from '@tributary/telemetry';
import { eventually, isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';
import { parseEnv } from './env.ts';
import { createIngestService, type IngestService } from './service.ts';

const SUBJECT = 'plan_chosen';
const schema = {
  type: 'object',
  properties: { plan: { type: 'string' } },
  required: ['plan'],
  additionalProperties: false,
};

let iso: Isolated;
let db: Db;
let producer: Producer;
let relay: OutboxRelay;
let service: IngestService | undefined;
let url: string;

interface Result {
  status: string;
  code?: string;
}

async function send(event: Record<string, unknown>): Promise<Result> {
  const res = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${iso.writeKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(event),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { results: Result[] };
  return body.results[0]!;
}

const invalid = () => send({ event_type: SUBJECT, data: { plan: 7 } });
const unknownType = () => send({ event_type: 'never_registered_type', data: {} });

/** Polls until ingest answers `status` (and `code`, when given), then returns the last result. */
function until(probe: () => Promise<Result>, status: string, code?: string): Promise<Result> {
  return eventually(async () => {
    const r = await probe();
    return r.status === status && (code === undefined || r.code === code) ? r : null;
  }, 60_000);
}

beforeAll(async () => {
  iso = await isolate();
  db = createDb(iso.databaseUrl);
  producer = createProducer({ brokers: iso.brokers.split(','), clientId: 'it-policy-control' });
  relay = createOutboxRelay({
    db,
    producer,
    topic: topicNames(iso.topicPrefix).control,
    logger: createLogger('it-relay', 'silent'),
    pollIntervalMs: 200,
  });
  service = createIngestService(
    parseEnv({
      PORT: '0',
      KAFKA_BROKERS: iso.brokers,
      TOPIC_PREFIX: iso.topicPrefix,
      DATABASE_URL: iso.databaseUrl,
      CLICKHOUSE_URL: iso.clickhouseUrl,
      CLICKHOUSE_DATABASE: iso.clickhouseDatabase,
      LOG_LEVEL: 'silent',
      INGEST_SCHEMA_RELOAD_MS: '0',
    }),
  );
  url = await service.start();
  relay.start();
});
afterAll(async () => {
  await service?.stop();
  await relay?.stop();
  await producer?.close();
  await db?.$disconnect();
  await iso?.cleanup();
});

describe('setEnforcement and setSourcePolicy reach a running ingest through the outbox', () => {
  it('switches a subject between enforce and observe', async () => {
    await registerVersion(db, SUBJECT, schema, { actor: 'it' });
    await until(invalid, 'rejected', 'schema_violation');

    await setEnforcement(db, SUBJECT, 'observe', { actor: 'it' });
    await until(invalid, 'accepted');

    await setEnforcement(db, SUBJECT, 'enforce', { actor: 'it' });
    await until(invalid, 'rejected', 'schema_violation');
  });

  it('rejects unknown event types after the source policy switches to reject, and allows them again', async () => {
    expect((await unknownType()).status).toBe('accepted');

    await setSourcePolicy(db, DEMO_SOURCE_NAME, 'reject', { actor: 'it' });
    const rejected = await until(unknownType, 'rejected');
    expect(rejected.code).toBe('unknown_event_type');
    // A registered type from the same source is unaffected by the policy.
    expect((await send({ event_type: SUBJECT, data: { plan: 'pro' } })).status).toBe('accepted');

    await setSourcePolicy(db, DEMO_SOURCE_NAME, 'allow', { actor: 'it' });
    await until(unknownType, 'accepted');
  });
});
