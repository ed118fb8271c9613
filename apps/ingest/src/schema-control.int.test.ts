import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicNames } from '@tributary/contracts';
import { createDb, type Db } from '@tributary/db';
import { createProducer, type Producer } from '@tributary/kafka';
import { publishSource, publishSubject, registerVersion } from '@tributary/registry';
import { eventually, isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';
import { parseEnv } from './env.ts';
import { createIngestService, type IngestService } from './service.ts';

const SUBJECT = 'checkout_step';
const schema = {
  type: 'object',
  properties: { step: { type: 'integer', minimum: 1 }, label: { type: 'string' } },
  required: ['step'],
  additionalProperties: false,
};

let iso: Isolated;
let db: Db;
let producer: Producer;
let control: string;
const services: IngestService[] = [];

async function startInstance(): Promise<string> {
  const service = createIngestService(
    parseEnv({
      PORT: '0',
      KAFKA_BROKERS: iso.brokers,
      TOPIC_PREFIX: iso.topicPrefix,
      DATABASE_URL: iso.databaseUrl,
      CLICKHOUSE_URL: iso.clickhouseUrl,
      CLICKHOUSE_DATABASE: iso.clickhouseDatabase,
      LOG_LEVEL: 'silent',
    }),
  );
  services.push(service);
  return service.start();
}

interface Answer {
  accepted: number;
  rejected: number;
  results: Array<{ status: string; code?: string; reasons?: string[] }>;
}

async function send(url: string, event: Record<string, unknown>): Promise<Answer> {
  const res = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${iso.writeKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(event),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Answer;
}

const invalid = () => ({ event_type: SUBJECT, data: { step: 'two' } });

beforeAll(async () => {
  iso = await isolate();
  db = createDb(iso.databaseUrl);
  producer = createProducer({ brokers: iso.brokers.split(','), clientId: 'it-control' });
  control = topicNames(iso.topicPrefix).control;
});
afterAll(async () => {
  await Promise.allSettled(services.map((s) => s.stop()));
  await producer?.close();
  await db?.$disconnect();
  await iso?.cleanup();
});

describe('schema changes reach every ingest instance live', () => {
  it('enforces a new subject, then observes it, and a late instance starts with the current state', async () => {
    const [a, b] = await Promise.all([startInstance(), startInstance()]);

    // Unknown to the registry so far: the demo source allows unknown event types.
    expect((await send(a, invalid())).accepted).toBe(1);

    await registerVersion(db, SUBJECT, schema, { actor: 'it' });
    const published = Date.now();
    await publishSubject(producer, control, db, SUBJECT);
    const enforcedAt = new Map<string, number>();
    await eventually(async () => {
      for (const url of [a, b]) {
        if (enforcedAt.has(url)) continue;
        const r = (await send(url, invalid())).results[0]!;
        if (r.status === 'rejected') {
          expect(r.code).toBe('schema_violation');
          expect(r.reasons).toContain('data.step: must be integer');
          enforcedAt.set(url, Date.now() - published);
        }
      }
      return enforcedAt.size === 2;
    }, 60_000);
    console.log(`enforce reached both instances after ${[...enforcedAt.values()].join(' ms and ')} ms`);
    // Valid data still passes, on both.
    for (const url of [a, b])
      expect((await send(url, { event_type: SUBJECT, data: { step: 2 } })).accepted).toBe(1);

    await db.subject.update({ where: { name: SUBJECT }, data: { enforcement: 'observe' } });
    const switched = Date.now();
    await publishSubject(producer, control, db, SUBJECT);
    const observedAt = new Map<string, number>();
    await eventually(async () => {
      for (const url of [a, b]) {
        if (observedAt.has(url)) continue;
        if ((await send(url, invalid())).accepted === 1) observedAt.set(url, Date.now() - switched);
      }
      return observedAt.size === 2;
    }, 60_000);
    console.log(`observe reached both instances after ${[...observedAt.values()].join(' ms and ')} ms`);
    for (const url of [a, b]) {
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(
        /ingest_schema_violations_total\{subject="checkout_step",enforcement="observe",service="ingest"\} [1-9]/,
      );
    }

    // The source now rejects unknown event types; a third instance starts after all of this.
    await db.source.update({ where: { name: 'demo' }, data: { unknownEventTypes: 'reject' } });
    await publishSource(producer, control, db, 'demo');
    const c = await startInstance();
    // At once, and still while it replays the control topic (whose first record for the
    // subject says enforce): the replay must not roll its state back.
    for (let i = 0; i < 5; i++) {
      expect((await send(c, invalid())).accepted).toBe(1);
      const unknown = (await send(c, { event_type: 'never_registered', data: {} })).results[0]!;
      expect(unknown).toMatchObject({ status: 'rejected', code: 'unknown_event_type' });
    }
    const metrics = await (await fetch(`${c}/metrics`)).text();
    expect(metrics).toMatch(
      /ingest_schema_violations_total\{subject="checkout_step",enforcement="observe",service="ingest"\} 5/,
    );
  });
});
