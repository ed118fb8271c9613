// pii masking end to end, against real ClickHouse and Postgres: values tagged pii in data, user_id
// and metadata never reach an actor without the pii grant, through the live tail or the dead
// letters (entry, list, search), and reach one with it. Edited replays that change more than
// the editable fields are refused with the field named.
import { randomUUID } from 'node:crypto';
import { createClickHouse, insertRows, toDateTime64, type QueryTarget } from '@tributary/clickhouse';
import { createDb } from '@tributary/db';
import { registerVersion } from '@tributary/registry';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../../../../scripts/test-infra/fixtures.ts';
import type { Actor } from './auth/actor.ts';
import { keyActor, userActor } from './auth/test-actors.ts';

let iso: Isolated;
let target: QueryTarget;
const deadLetterId = randomUUID();
const subject = `pii_${randomUUID().slice(0, 6)}`;
// Distinct values, so a leak anywhere in a response shows up as a substring.
const secrets = { email: 'jo.secret@example.com', user: 'user-secret-7731', ip: '203.0.113.77' };
const event = {
  event_id: 'pii-ev-1',
  event_type: subject,
  user_id: secrets.user,
  data: { email: secrets.email, plan: 'pro' },
  metadata: { ip: secrets.ip, app: 'ios' },
};

beforeAll(async () => {
  iso = await isolate();
  const client = createClickHouse({ url: iso.clickhouseUrl });
  target = { client, database: iso.clickhouseDatabase };
  const db = createDb(iso.databaseUrl);
  const writeKeyId = (await db.writeKey.findFirstOrThrow()).id;
  await registerVersion(
    db,
    subject,
    { type: 'object' },
    { actor: 'test', fieldTags: { '/email': ['pii'], '$.user_id': ['pii'], '$.metadata.ip': ['pii'] } },
  );
  await db.$disconnect();
  const at = toDateTime64(Date.now() - 60_000);
  await insertRows(client, `${iso.clickhouseDatabase}.events`, [
    {
      ...event,
      timestamp: at,
      source: 'demo',
      schema_version: 1,
      received_at: at,
      processed_at: at,
    },
  ]);
  await insertRows(client, `${iso.clickhouseDatabase}.dead_letters`, [
    {
      id: deadLetterId,
      event_id: event.event_id,
      stage: 'ingest',
      code: 'schema_violation',
      message: 'data does not match',
      details: '{}',
      payload: JSON.stringify(event),
      payload_encoding: 'utf8',
      source: 'demo',
      write_key_id: writeKeyId,
      event_type: subject,
      schema_version: 1,
      origin_topic: null,
      origin_partition: null,
      origin_offset: null,
      failed_at: at,
      first_failed_at: at,
      attempts: 1,
    },
  ]);
  // NOTE: the console's env is parsed when first imported, so the router loads only after this.
  process.env.DATABASE_URL = iso.databaseUrl;
  process.env.KAFKA_BROKERS = iso.brokers;
  process.env.TOPIC_PREFIX = iso.topicPrefix;
});

afterAll(async () => {
  const { getDb } = await import('./db.ts');
  await getDb().$disconnect();
  await target?.client.close();
  await iso?.cleanup();
});

async function api(actor: Actor) {
  const { appRouter } = await import('./routers/index.ts');
  const { createContext } = await import('./trpc.ts');
  const ctx = {
    ...(await createContext({ headers: new Headers(), resHeaders: new Headers() })),
    clickhouse: target,
    actor,
  };
  return appRouter.createCaller(ctx);
}

/** Everything a viewer received from the tail and the dead-letter views, as one text. */
async function everythingSeenBy(actor: Actor): Promise<string> {
  const a = await api(actor);
  const tail = await a.live.tail({ limit: 50 });
  const list = await a.dlq.list({ filter: {}, limit: 50 });
  const entry = await a.dlq.entry({ id: deadLetterId });
  expect(tail.map((e) => e.event_id)).toContain(event.event_id);
  expect(list.entries.map((e) => e.id)).toContain(deadLetterId);
  return JSON.stringify({ tail, list, entry });
}

const searches = Object.values(secrets).map((text) => ({ filter: { text }, limit: 10 }));

describe('pii in the live tail and the dead letters', () => {
  it('an actor without the pii grant never receives a tagged value of data, user_id or metadata', async () => {
    for (const actor of [userActor('viewer'), userActor('operator'), keyActor(['schemas:read'])]) {
      const seen = await everythingSeenBy(actor);
      for (const value of Object.values(secrets)) expect(seen).not.toContain(value);
      // Untagged values are still there.
      expect(seen).toContain('\\"pro\\"');
      expect(seen).toContain('ios');
      const a = await api(actor);
      const [tailed] = (await a.live.tail({ limit: 50 })).filter((e) => e.event_id === event.event_id);
      expect(tailed?.masked_fields).toEqual(['$.user_id', '/email']);
      expect((await a.dlq.entry({ id: deadLetterId })).masked_fields.sort()).toEqual(
        ['$.metadata.ip', '$.user_id', '/email'].sort(),
      );
      // Nor can a value be found by searching for it.
      for (const search of searches) expect(await a.dlq.list(search)).toMatchObject({ total: 0 });
    }
  });

  it('an actor with the grant (or admin) sees them, and finds them by search', async () => {
    for (const actor of [
      userActor('viewer', { piiGrant: true }),
      keyActor(['pii:read']),
      userActor('admin'),
    ]) {
      const seen = await everythingSeenBy(actor);
      for (const value of Object.values(secrets)) expect(seen).toContain(value);
      const a = await api(actor);
      for (const search of searches) expect(await a.dlq.list(search)).toMatchObject({ total: 1 });
    }
  });
});

describe('edited replays', () => {
  it('are refused, naming the field, when they change more than data, metadata, timestamp and user_id', async () => {
    const a = await api(userActor('admin'));
    const selection = { kind: 'ids' as const, ids: [deadLetterId] };
    for (const [field, change] of [
      ['event_type', { event_type: 'page_view' }],
      ['event_id', { event_id: 'someone-elses-event' }],
      ['source', { source: 'another-source' }],
    ] as const) {
      const editedPayload = JSON.stringify({ ...event, ...change });
      const calls = [
        () => a.dlq.dryRun({ selection, editedPayload }),
        () => a.dlq.replay({ selection, editedPayload, rate: 100 }),
      ];
      for (const call of calls) {
        const err = await call().then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(TRPCError);
        expect((err as TRPCError).code).toBe('BAD_REQUEST');
        expect((err as TRPCError).message).toContain(`'${field}'`);
      }
    }
    const fine = JSON.stringify({ ...event, data: { email: 'x@example.com', plan: 'team' }, user_id: 'u2' });
    expect(await a.dlq.dryRun({ selection, editedPayload: fine })).toMatchObject({ total: 1, pass: 1 });
    expect(await a.dlq.replays()).toEqual([]);
  });
});
