// The console's dead-letter procedures against real ClickHouse, Postgres and Kafka: pii stays
// masked for actors without the pii grant, odd filters and
// missing entries are refused with a message, and a replay started through the router runs (on a
// jobs runner: the console only queues it).
import { randomUUID } from 'node:crypto';
import { createClickHouse, insertRows, toDateTime64, type QueryTarget } from '@tributary/clickhouse';
import { topicNames } from '@tributary/contracts';
import { createDb, type Db } from '@tributary/db';
import { createReplayRunner, type ReplayRunner } from '@tributary/dlq';
import { createAdmin, createProducer, type Admin, type Producer } from '@tributary/kafka';
import { registerVersion } from '@tributary/registry';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, isolate, type Isolated } from '../../../../scripts/test-infra/fixtures.ts';
import type { Actor } from './auth/actor.ts';
import { keyActor, userActor } from './auth/test-actors.ts';

let iso: Isolated;
let target: QueryTarget;
// The jobs service's part, in-process: its replay runner, swept as apps/jobs sweeps it.
let jobs: { db: Db; producer: Producer; admin: Admin; runner: ReplayRunner; loop: NodeJS.Timeout };
const id = randomUUID();
const subject = `signup_${randomUUID().slice(0, 6)}`;

beforeAll(async () => {
  iso = await isolate();
  const client = createClickHouse({ url: iso.clickhouseUrl });
  target = { client, database: iso.clickhouseDatabase };
  const db = createDb(iso.databaseUrl);
  const writeKeyId = (await db.writeKey.findFirstOrThrow()).id;
  await registerVersion(db, subject, { type: 'object' }, { actor: 'test', fieldTags: { '/email': ['pii'] } });
  await db.$disconnect();
  const now = toDateTime64(Date.now() - 60_000);
  await insertRows(client, `${iso.clickhouseDatabase}.dead_letters`, [
    {
      id,
      event_id: 'ev-1',
      stage: 'ingest',
      code: 'schema_violation',
      message: 'data does not match',
      details: '{}',
      payload: JSON.stringify({ event_id: 'ev-1', event_type: subject, data: { email: 'jo@example.com' } }),
      payload_encoding: 'utf8',
      source: 'demo',
      write_key_id: writeKeyId,
      event_type: subject,
      schema_version: 1,
      origin_topic: null,
      origin_partition: null,
      origin_offset: null,
      failed_at: now,
      first_failed_at: now,
      attempts: 1,
    },
  ]);
  // NOTE: the console's env is parsed when first imported, so the router loads only after this.
  process.env.DATABASE_URL = iso.databaseUrl;
  process.env.KAFKA_BROKERS = iso.brokers;
  process.env.TOPIC_PREFIX = iso.topicPrefix;

  const brokers = iso.brokers.split(',');
  const jobsDb = createDb(iso.databaseUrl);
  const producer = createProducer({ brokers, clientId: `dlq-router-jobs-${iso.id}` });
  const admin = createAdmin({ brokers, clientId: `dlq-router-jobs-${iso.id}` });
  const runner = createReplayRunner(
    {
      target,
      db: jobsDb,
      transport: {
        producer,
        topics: topicNames(iso.topicPrefix),
        partitionCount: (t) => admin.partitionCount(t),
      },
    },
    { runner: `dlq-router-it-${iso.id}` },
  );
  const loop = setInterval(() => void runner.sweep().catch(() => {}), 250);
  jobs = { db: jobsDb, producer, admin, runner, loop };
});

afterAll(async () => {
  if (jobs) {
    clearInterval(jobs.loop);
    await jobs.runner.stop();
    await jobs.producer.close();
    await jobs.admin.close();
    await jobs.db.$disconnect();
  }
  const { getDb } = await import('./db.ts');
  const { closeControlProducer } = await import('./control.ts');
  await closeControlProducer();
  await getDb().$disconnect();
  await target?.client.close();
  await iso?.cleanup();
});

/** The router as `actor` reaches it through a real request's context. */
async function caller(actor: Actor | null) {
  const { appRouter } = await import('./routers/index.ts');
  const { createContext } = await import('./trpc.ts');
  const resHeaders = new Headers();
  const ctx = { ...(await createContext({ headers: new Headers(), resHeaders })), clickhouse: target, actor };
  return { api: appRouter.createCaller(ctx), resHeaders };
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  return { code: (err as TRPCError).code, message: (err as TRPCError).message };
}

describe('dead letters in the console', () => {
  it('masks pii for actors without the pii grant and shows it to those with it', async () => {
    const operator = await caller(userActor('operator'));
    const masked = await operator.api.dlq.entry({ id });
    expect(masked.masked_fields).toEqual(['/email']);
    expect(JSON.stringify(masked)).not.toContain('jo@example.com');
    // Nor can the value be found by searching for it.
    const search = { filter: { text: 'jo@example.com' } };
    expect(await operator.api.dlq.list({ ...search, limit: 10 })).toMatchObject({ total: 0 });
    expect((await operator.api.dlq.groups(search)).groups).toEqual([]);
    const readKey = await caller(keyActor(['schemas:read']));
    expect((await readKey.api.dlq.entry({ id })).masked_fields).toEqual(['/email']);

    for (const actor of [
      userActor('viewer', { piiGrant: true }),
      keyActor(['pii:read']),
      userActor('admin'),
    ]) {
      const { api } = await caller(actor);
      const open = await api.dlq.entry({ id });
      expect(open.payload).toContain('jo@example.com');
      expect(open.masked_fields).toEqual([]);
      expect(await api.dlq.list({ ...search, limit: 10 })).toMatchObject({ total: 1 });
      expect((await api.dlq.groups(search)).groups).toHaveLength(1);
    }
    // Each unmasked open is audited under its reader's name; the masked ones are not.
    const { getDb } = await import('./db.ts');
    const reveals = await getDb().auditLog.findMany({
      where: { action: 'pii.reveal' },
      orderBy: { at: 'asc' },
    });
    expect(reveals.map((r) => [r.actor, r.entityId, r.after])).toEqual([
      ['user:viewer@test.example', id, { eventType: subject, paths: ['/email'] }],
      ['api_key:test-pii:read', id, { eventType: subject, paths: ['/email'] }],
      ['user:admin@test.example', id, { eventType: subject, paths: ['/email'] }],
    ]);
    expect(reveals.every((r) => r.requestId !== null)).toBe(true);
  });

  it('refuses odd filters, missing entries and non-JSON edits with a clear message', async () => {
    const { api } = await caller(userActor('operator'));
    expect(await refusal(api.dlq.list({ filter: { text: 'a\u0007b' }, limit: 10 }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/payload text contains control or unpaired characters/),
    });
    const gone = { kind: 'ids' as const, ids: [randomUUID()] };
    expect(await refusal(api.dlq.replay({ selection: gone, rate: 100 }))).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/no longer exist/),
    });
    const edit = {
      selection: { kind: 'ids' as const, ids: [id] },
      editedPayload: '{"event_type":',
      rate: 100,
    };
    expect(await refusal(api.dlq.replay(edit))).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/edited payload is not JSON/),
    });
  });

  it('replays an edited event through the router and reports progress to the end', async () => {
    const { api } = await caller(userActor('operator'));
    const edited = JSON.stringify({
      event_id: 'ev-1',
      event_type: subject,
      data: { email: 'fixed@example.com' },
    });
    const dry = await api.dlq.dryRun({ selection: { kind: 'ids', ids: [id] }, editedPayload: edited });
    expect(dry).toMatchObject({ total: 1, pass: 1, fail: 0 });
    const started = await api.dlq.replay({
      selection: { kind: 'ids', ids: [id] },
      editedPayload: edited,
      rate: 100,
    });
    const done = await eventually(async () => {
      const r = await api.dlq.replayStatus({ id: started.id });
      return r.state === 'completed' ? r : null;
    });
    expect(done).toMatchObject({ total: 1, processed: 1, sent: 1, failedAgain: 0 });
    // The edit was kept for the jobs service to send, and only until it did (the audit keeps it).
    const row = await jobs.db.dlqReplay.findUniqueOrThrow({ where: { id: started.id } });
    expect(row).toMatchObject({ edited: true, editedPayload: null, runner: `dlq-router-it-${iso.id}` });
    expect((await api.dlq.replays())[0]?.id).toBe(started.id);
    expect((await api.dlq.entry({ id })).status).toBe('replayed');
  });
});
