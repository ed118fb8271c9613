import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TributaryError, topicNames } from '@tributary/contracts';
import { createDb, type Db } from '@tributary/db';
import { createProducer, type Producer } from '@tributary/kafka';
import { publishSubject, registerVersion } from '@tributary/registry';
import { eventually, isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';
import { parseEnv } from './env.ts';
import { createIngestService, type IngestService } from './service.ts';

// The pattern the security issue names: exponential for a backtracking engine (V8 needs
// seconds to minutes for 30 × 'a' + 'b'), linear on RE2.
const SUBJECT = 'redos_probe';
const EVIL = '^(a|a)*$';

let iso: Isolated;
let db: Db;
let producer: Producer;
let service: IngestService;
let url: string;

beforeAll(async () => {
  iso = await isolate();
  db = createDb(iso.databaseUrl);
  producer = createProducer({ brokers: iso.brokers.split(','), clientId: 'it-redos' });
  service = createIngestService(
    parseEnv({
      PORT: '0',
      KAFKA_BROKERS: iso.brokers,
      TOPIC_PREFIX: iso.topicPrefix,
      DATABASE_URL: iso.databaseUrl,
      CLICKHOUSE_URL: iso.clickhouseUrl,
      CLICKHOUSE_DATABASE: iso.clickhouseDatabase,
      REDIS_URL: iso.redisUrl,
      REDIS_PREFIX: iso.redisPrefix,
      LOG_LEVEL: 'silent',
    }),
  );
  url = await service.start();
});
afterAll(async () => {
  await service?.stop();
  await producer?.close();
  await db?.$disconnect();
  await iso?.cleanup();
});

async function send(name: string) {
  const res = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${iso.writeKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ event_type: SUBJECT, data: { name } }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { accepted: number; results: Array<{ code?: string; reasons?: string[] }> };
}

describe('schema patterns at ingest', () => {
  it("answers 30 × 'a' + 'b' against ^(a|a)*$ (rejected by the schema) and keeps answering others", async () => {
    await registerVersion(
      db,
      SUBJECT,
      { type: 'object', properties: { name: { type: 'string', pattern: EVIL } }, required: ['name'] },
      { actor: 'it' },
    );
    await publishSubject(producer, topicNames(iso.topicPrefix).control, db, SUBJECT);
    // Enforced once the control record arrived.
    const evil = await eventually(async () => {
      const r = await send('a'.repeat(30) + 'b');
      return r.results[0]?.code === 'schema_violation' ? r : null;
    }, 20_000);
    expect(evil.results[0]?.reasons).toEqual([`data.name: must match pattern "${EVIL}"`]);
    // Many of them in a row, then an ordinary event: all answered.
    for (let i = 0; i < 20; i++) expect((await send('a'.repeat(40 + i) + 'b')).accepted).toBe(0);
    expect((await send('a'.repeat(30))).accepted).toBe(1);
  });

  it('refuses to register a pattern with a lookahead, saying why', async () => {
    const attempt = registerVersion(
      db,
      'redos_lookahead',
      { type: 'object', properties: { code: { type: 'string', pattern: '^(?=.*\\d)[a-z\\d]{6}$' } } },
      { actor: 'it' },
    );
    await expect(attempt).rejects.toBeInstanceOf(TributaryError);
    await expect(attempt).rejects.toThrow(
      /at \$\.properties\.code\.pattern is not supported: the lookahead \(\?=…\) cannot be matched in linear time/,
    );
    expect(await db.subject.findUnique({ where: { name: 'redos_lookahead' } })).toBeNull();
  });
});
