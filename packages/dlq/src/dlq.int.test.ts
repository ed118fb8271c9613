import { randomUUID } from 'node:crypto';
import {
  createClickHouse,
  selectRows,
  toDateTime64,
  type ClickHouseClient,
  type QueryTarget,
} from '@tributary/clickhouse';
import {
  REPLAY_HEADERS,
  topicNames,
  TributaryError,
  type DeadLetter,
  type DlqReplay,
  type DlqReplayInput,
  type TopicNames,
} from '@tributary/contracts';
import { createDb, type Db } from '@tributary/db';
import {
  createAdmin,
  createBatchConsumer,
  createProducer,
  type Admin,
  type IncomingMessage,
  type Producer,
} from '@tributary/kafka';
import { registerVersion } from '@tributary/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eventually, isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';
import {
  discardEntries,
  dryRun,
  getEntry,
  getReplay,
  getRetentionDays,
  listEntries,
  listGroups,
  MASK,
  createReplayRunner,
  queueReplay,
  queueResume,
  scopeFor,
  setRetentionDays,
  type FilterScope,
  type ReplayDeps,
} from './index.ts';

let iso: Isolated;
let ch: ClickHouseClient;
let target: QueryTarget;
let db: Db;
let admin: Admin;
let producer: Producer;
let topics: TopicNames;
let deps: ReplayDeps;
let writeKeyId: string;
const subject = `dlq_it_${randomUUID().slice(0, 8)}`;
const strict = {
  type: 'object',
  required: ['price'],
  properties: { price: { type: 'number' }, email: { type: 'string' } },
};
const noPii = { paths: new Map<string, string[]>(), reveal: false };

beforeAll(async () => {
  iso = await isolate();
  ch = createClickHouse({ url: iso.clickhouseUrl });
  target = { client: ch, database: iso.clickhouseDatabase };
  db = createDb(iso.databaseUrl);
  admin = createAdmin({ brokers: iso.brokers.split(','), clientId: `dlq-it-${iso.id}` });
  producer = createProducer({ brokers: iso.brokers.split(','), clientId: `dlq-it-${iso.id}` });
  topics = topicNames(iso.topicPrefix);
  deps = { target, db, transport: { producer, topics, partitionCount: (t) => admin.partitionCount(t) } };
  writeKeyId = (await db.writeKey.findFirstOrThrow()).id;
  await registerVersion(db, subject, strict, { actor: 'test', fieldTags: { '/email': ['pii'] } });
});

afterAll(async () => {
  await producer?.close();
  await admin?.close();
  await db?.$disconnect();
  await ch?.close();
  await iso?.cleanup();
});

/** A jobs runner (the loop apps/jobs runs) over `d`, named for the test. */
const runnerOver = (d: ReplayDeps) => createReplayRunner(d, { runner: `test-${randomUUID().slice(0, 8)}` });

/**
 * What a replay button does now: the console queues the replay, then a jobs runner's sweep
 * claims and runs it; `done` settles when it ended.
 */
async function startReplay(
  d: ReplayDeps,
  input: DlqReplayInput,
  actor: string,
  scope: FilterScope = {},
): Promise<{ replay: DlqReplay; done: Promise<DlqReplay> }> {
  const replay = await queueReplay(d, input, actor, scope);
  const run = (await runnerOver(d).sweep()).find((r) => r.replay.id === replay.id);
  if (!run) throw new Error(`no runner claimed replay ${replay.id}`);
  return { replay, done: run.done };
}

/** A schema violation as ingest records it, stored the way the dead-letter worker stores it. */
function violation(i: number, failedAt: Date, overrides: Partial<DeadLetter> = {}): DeadLetter {
  const event = { event_id: `ev-${i}`, event_type: subject, data: { price: String(i), email: `u${i}@x.io` } };
  return {
    id: randomUUID(),
    event_id: event.event_id,
    stage: 'ingest',
    code: 'schema_violation',
    message: `data does not match schema ${subject} v1: /price must be number`,
    details: { reasons: ['/price must be number'] },
    payload: JSON.stringify(event),
    payload_encoding: 'utf8',
    source: 'demo',
    write_key_id: writeKeyId,
    event_type: subject,
    schema_version: 1,
    origin_topic: null,
    origin_partition: null,
    origin_offset: null,
    failed_at: failedAt.toISOString(),
    attempts: 1,
    ...overrides,
  };
}

async function store(letters: DeadLetter[]): Promise<void> {
  await ch.insert({
    table: `${iso.clickhouseDatabase}.dead_letters`,
    format: 'JSONEachRow',
    values: letters.map((d) => ({
      ...d,
      details: JSON.stringify(d.details ?? null),
      failed_at: toDateTime64(d.failed_at),
      first_failed_at: toDateTime64(d.first_failed_at ?? d.failed_at),
      replay_of: d.replay_of ?? '',
    })),
  });
}

/** The events topic, read by a fresh consumer group until `enough` says so. */
async function eventsOnTopic(enough: (seen: IncomingMessage[]) => boolean): Promise<IncomingMessage[]> {
  const seen: IncomingMessage[] = [];
  const consumer = createBatchConsumer({
    brokers: iso.brokers.split(','),
    clientId: `dlq-it-read-${randomUUID().slice(0, 6)}`,
    groupId: `dlq-it-read-${randomUUID()}`,
    topics: [topics.events],
  });
  void consumer.start(async (batch) => {
    seen.push(...batch.messages);
  });
  try {
    await eventually(async () => enough(seen), 30_000);
  } finally {
    await consumer.stop();
  }
  return seen;
}

const base = Date.now() - 60 * 60_000;
// Built when first used: they name the write key read in beforeAll.
let letters: DeadLetter[];
let other: DeadLetter;
const makeLetters = () => Array.from({ length: 30 }, (_, i) => violation(i, new Date(base + i * 1000)));
const makeOther = () =>
  violation(100, new Date(base + 100_000), {
    stage: 'sink',
    code: 'insert_rejected',
    message: 'Cannot parse input',
    source: 'other_source',
    event_type: 'other_type',
  });

describe('the dead-letter store in the console', () => {
  it('groups failures by code and reason, with a sparkline over the range', async () => {
    letters = makeLetters();
    other = makeOther();
    await store([...letters, other]);
    const { groups } = await listGroups(target, { from: new Date(base - 60_000).toISOString() });
    expect(groups.map((g) => [g.code, g.count, g.pending])).toEqual([
      ['schema_violation', 30, 30],
      ['insert_rejected', 1, 1],
    ]);
    expect(groups[0]!.sparkline.reduce((a, b) => a + b, 0)).toBe(30);
    expect(groups[0]!.stages).toEqual(['ingest']);
  });

  it('filters and pages by keyset, newest first, and counts the whole match', async () => {
    // A redelivered dead letter stored a second time counts and lists once.
    await store([letters[12]!]);
    const filter = { eventType: subject, stages: ['ingest' as const] };
    const first = await listEntries(target, { filter, limit: 20 }, noPii);
    expect(first.total).toBe(30);
    expect(first.entries.map((e) => e.event_id)[0]).toBe('ev-29');
    const second = await listEntries(target, { filter, cursor: first.nextCursor, limit: 20 }, noPii);
    expect(second.entries).toHaveLength(10);
    expect(second.nextCursor).toBeNull();
    const ids = new Set([...first.entries, ...second.entries].map((e) => e.id));
    expect(ids.size).toBe(30);

    const text = await listEntries(target, { filter: { text: 'U7@X.IO' }, limit: 50 }, noPii);
    expect(text.entries.map((e) => e.event_id)).toEqual(['ev-7']);
    // Quotes, percent signs and backslashes are data, not SQL.
    const odd = await listEntries(target, { filter: { text: `'%\\"); DROP TABLE x; --` }, limit: 50 }, noPii);
    expect(odd.total).toBe(0);
    const bySource = await listEntries(target, { filter: { source: 'other_source' }, limit: 50 }, noPii);
    expect(bySource.entries.map((e) => e.code)).toEqual(['insert_rejected']);
  });

  it('masks pii-tagged fields unless the viewer may see them', async () => {
    const paths = new Map([[subject, ['/email']]]);
    const masked = await getEntry(target, letters[3]!.id, { paths, reveal: false });
    expect(masked.masked_fields).toEqual(['/email']);
    expect(masked.payload_pretty).toContain(MASK);
    expect(masked.payload).not.toContain('u3@x.io');
    const list = await listEntries(
      target,
      { filter: { eventType: subject }, limit: 5 },
      { paths, reveal: false },
    );
    expect(list.entries.every((e) => !e.payload_preview.includes('@x.io'))).toBe(true);
    const open = await getEntry(target, letters[3]!.id, { paths, reveal: true });
    expect(open.payload).toBe(letters[3]!.payload);
    expect(open.explanation).toMatch(/schema/);

    // Searching a masked value must not tell a locked viewer that it is there: not in the list,
    // not in the group counts, not in a replay of "everything matching".
    const search = { text: 'u3@x.io' };
    const locked = await listEntries(target, { filter: search, limit: 5 }, { paths, reveal: false });
    expect(locked).toMatchObject({ total: 0, entries: [], textSkippedTypes: [subject] });
    // Nor by a probe that runs from the field name into the value.
    const lockedCount = async (text: string) =>
      (
        await listEntries(
          target,
          { filter: { text, eventType: subject }, limit: 5 },
          { paths, reveal: false },
        )
      ).total;
    expect(await lockedCount('"email":"u3')).toBe(0);
    expect(await lockedCount('x.io"}')).toBe(0);
    // What is not pii stays searchable for the same viewer, the field names included.
    expect(await lockedCount('"price":"3"')).toBe(1);
    expect(await lockedCount('"email":')).toBe(30);
    const lockedGroups = await listGroups(target, search, scopeFor({ paths, reveal: false }));
    expect(lockedGroups.groups).toEqual([]);
    await expect(
      startReplay(
        deps,
        { selection: { kind: 'filter', filter: search }, rate: 100 },
        'test',
        scopeFor({ paths, reveal: false }),
      ),
    ).rejects.toThrow(/no dead-letter entries match/);
    const unlocked = await listEntries(target, { filter: search, limit: 5 }, { paths, reveal: true });
    expect(unlocked).toMatchObject({ total: 1, textSkippedTypes: [] });
    expect((await listGroups(target, search)).groups.map((g) => g.count)).toEqual([1]);
  });

  it('a locked search masks pii in arrays, nested objects and pretty-printed payloads', async () => {
    const type = `${subject}_nested`;
    const paths = new Map([[type, ['/contacts/email', 'owner.address']]]);
    const payloads = [
      // Compact, as ingest keeps the events of a JSON array body.
      JSON.stringify({
        event_type: type,
        data: {
          contacts: [{ email: 'ann@pii.io' }, { email: 'bob@pii.io' }],
          owner: { address: { city: 'Oslo' } },
        },
        metadata: { note: 'visible-a' },
      }),
      // As sent, one event per request: the value texts occur verbatim, the object's does not.
      `{ "event_type": "${type}",\n  "data": { "contacts": [ { "email": "cy@pii.io" } ] },\n  "metadata": { "note": "visible-b" } }`,
      `{ "event_type": "${type}", "data": { "owner": { "address": { "city": "Bergen" } } }, "metadata": { "note": "visible-c" } }`,
      // Not JSON: withheld whole from a locked viewer, so never matched.
      `event_type=${type} note=visible-d`,
      // Arrays of arrays on the way: not masked in SQL, so never matched.
      JSON.stringify({
        event_type: type,
        data: { contacts: [[{ email: 'deep@pii.io' }]] },
        metadata: { note: 'visible-e' },
      }),
    ];
    const t0 = Date.now() - 60_000;
    await store(
      payloads.map((payload, i) =>
        violation(100 + i, new Date(t0 + i), { event_type: type, event_id: `nested-${i}`, payload }),
      ),
    );
    const count = async (text: string, reveal: boolean) =>
      (await listEntries(target, { filter: { text, eventType: type }, limit: 10 }, { paths, reveal })).total;
    for (const value of ['ann@pii.io', 'bob@pii.io', 'cy@pii.io', 'Oslo', 'Bergen']) {
      expect(await count(value, false), value).toBe(0);
      expect(await count(value, true), value).toBe(1);
    }
    expect(await count('visible-a', false)).toBe(1);
    expect(await count('visible-b', false)).toBe(1);
    // Its address object is not verbatim in the payload (ClickHouse re-serialises it): unsearchable.
    expect(await count('visible-c', false)).toBe(0);
    expect(await count('visible-c', true)).toBe(1);
    expect(await count('visible-d', false)).toBe(0);
    expect(await count('visible-d', true)).toBe(1);
    expect(await count('deep@pii.io', false)).toBe(0);
    expect(await count('visible-e', false)).toBe(0);
    expect(await count('visible-e', true)).toBe(1);
    expect(await count('visible', false)).toBe(2);
    // Two types with the same paths share one branch of the condition; both are masked.
    const twoTypes = new Map([...paths, [subject, ['/contacts/email', 'owner.address']]]);
    const both = await listEntries(
      target,
      { filter: { text: 'ann@pii.io' }, limit: 10 },
      { paths: twoTypes, reveal: false },
    );
    expect(both.total).toBe(0);
    expect(both.textSkippedTypes).toEqual([subject, type].sort());
  });

  it('dry run: fails while the schema disagrees, passes after the fix, nothing sent', async () => {
    const selection = { kind: 'filter' as const, filter: { eventType: subject } };
    const before = await dryRun({ target, db }, { selection });
    expect(before).toMatchObject({ total: 30, pass: 0, fail: 30, truncated: false });
    expect(before.reasons[0]!.reason).toMatch(/price/);

    await registerVersion(
      db,
      subject,
      { ...strict, properties: { ...strict.properties, price: {} } },
      { actor: 'test' },
    );
    const after = await dryRun({ target, db }, { selection });
    expect(after).toMatchObject({ total: 30, pass: 30, fail: 0 });
    // A chosen (older) version still fails.
    expect((await dryRun({ target, db }, { selection, schemaVersion: 1 })).fail).toBe(30);
  });

  it('refuses bad input before anything happens', async () => {
    const gone = { kind: 'ids' as const, ids: [randomUUID()] };
    await expect(startReplay(deps, { selection: gone, rate: 1000 }, 'test')).rejects.toThrow(
      /no longer exist/,
    );
    const one = { kind: 'ids' as const, ids: [letters[0]!.id] };
    await expect(
      startReplay(deps, { selection: one, rate: 1000, editedPayload: '{"a":' }, 'test'),
    ).rejects.toThrow(/edited payload is not JSON/);
    const two = { kind: 'ids' as const, ids: [letters[0]!.id, letters[1]!.id] };
    await expect(dryRun({ target, db }, { selection: two, editedPayload: '{}' })).rejects.toBeInstanceOf(
      TributaryError,
    );
    const none = { kind: 'filter' as const, filter: { eventType: 'no_such_type' } };
    await expect(startReplay(deps, { selection: none, rate: 1000 }, 'test')).rejects.toThrow(
      /no dead-letter entries/,
    );
    // An edit may change data, metadata, timestamp and user_id only; the field is named.
    const stored = JSON.parse(letters[0]!.payload) as Record<string, unknown>;
    for (const [field, value] of [
      ['event_type', 'page_view'],
      ['event_id', 'another-event'],
      ['source', 'another-source'],
      ['received_at', '2026-01-01T00:00:00.000Z'],
    ] as const) {
      const editedPayload = JSON.stringify({ ...stored, [field]: value });
      for (const attempt of [
        () => startReplay(deps, { selection: one, rate: 1000, editedPayload }, 'test'),
        () => dryRun({ target, db }, { selection: one, editedPayload }),
      ]) {
        const err = await attempt().then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(TributaryError);
        expect((err as TributaryError).message).toContain(`'${field}'`);
        expect((err as TributaryError).details).toMatchObject({ field });
      }
    }
    const allowed = JSON.stringify({
      ...stored,
      data: { price: 1 },
      metadata: { note: 'fixed' },
      user_id: 'u-fixed',
      timestamp: '2026-11-22T00:00:00.000Z',
    });
    expect(await dryRun({ target, db }, { selection: one, editedPayload: allowed })).toMatchObject({
      total: 1,
      fail: 0,
    });
    expect(await db.dlqReplay.count()).toBe(0);
  });

  it('replays to the events topic with replay headers, records status and audit, twice at once', async () => {
    const selection = { kind: 'filter' as const, filter: { eventType: subject } };
    const [a, b] = await Promise.all([
      queueReplay(deps, { selection, rate: 1000 }, 'tab-1'),
      queueReplay(deps, { selection, rate: 1000 }, 'tab-2'),
    ]);
    expect(a).toMatchObject({ state: 'running', total: 30, processed: 0 });
    // Two jobs runners sweep at once: each replay runs once, on one of them.
    const runs = (await Promise.all([runnerOver(deps).sweep(), runnerOver(deps).sweep()])).flat();
    expect(runs.map((r) => r.replay.id).sort()).toEqual([a.id, b.id].sort());
    const doneOf = (id: string) => runs.find((r) => r.replay.id === id)!.done;
    const [doneA, doneB] = await Promise.all([doneOf(a.id), doneOf(b.id)]);
    expect(doneA).toMatchObject({ state: 'completed', processed: 30, sent: 30, failedAgain: 0 });
    expect(doneB).toMatchObject({ state: 'completed', sent: 30 });
    expect(await getReplay(db, a.id)).toMatchObject({ state: 'completed', sent: 30 });

    const messages = await eventsOnTopic((seen) => seen.length >= 60);
    expect(messages).toHaveLength(60);
    const fromA = messages.filter((m) => m.headers[REPLAY_HEADERS.replayId] === a.id);
    expect(fromA).toHaveLength(30);
    expect(fromA.every((m) => m.headers[REPLAY_HEADERS.attempt] === '1')).toBe(true);
    const envelope = JSON.parse(fromA[0]!.value.toString('utf8'));
    expect(envelope).toMatchObject({ event_type: subject, source: 'demo', schema_version: 2 });
    expect(envelope.replay).toMatchObject({ replay_id: a.id, attempts: 1 });
    // Every copy of an event goes to the partition ingest would use, so the workers see them in order.
    const partitionsPerEvent = new Map<string, Set<number>>();
    for (const m of messages)
      partitionsPerEvent.set(m.key!, (partitionsPerEvent.get(m.key!) ?? new Set()).add(m.partition));
    expect([...partitionsPerEvent.values()].every((s) => s.size === 1)).toBe(true);

    const replayed = await listEntries(
      target,
      { filter: { eventType: subject, status: 'replayed' }, limit: 50 },
      noPii,
    );
    expect(replayed.total).toBe(30);
    expect(
      (await listEntries(target, { filter: { eventType: subject, status: 'pending' }, limit: 50 }, noPii))
        .total,
    ).toBe(0);
    const entry = await getEntry(target, letters[0]!.id, noPii);
    expect(entry.history.map((h) => h.status)).toEqual(['pending', 'replayed', 'replayed']);
    const audit = await db.auditLog.findMany({ where: { entity: 'dlq_replay' }, orderBy: { at: 'asc' } });
    expect(audit.map((r) => r.action).sort()).toEqual([
      'dlq.replay',
      'dlq.replay',
      'dlq.replay_finished',
      'dlq.replay_finished',
    ]);
  });

  it('an event that fails again returns to the store as a new entry with attempts raised', async () => {
    const stillBad = violation(200, new Date(base + 200_000), {
      event_type: 'broken',
      payload: '{"event_type": 5}',
    });
    await store([stillBad]);
    const { done } = await startReplay(
      deps,
      { selection: { kind: 'ids', ids: [stillBad.id] }, rate: 100 },
      'test',
    );
    expect(await done).toMatchObject({ state: 'completed', sent: 0, failedAgain: 1 });
    // The new entry travels through the dead-letter topic (the workers store it); read it there.
    const consumer = createBatchConsumer({
      brokers: iso.brokers.split(','),
      clientId: 'dlq-it-dl',
      groupId: `dlq-it-dl-${randomUUID()}`,
      topics: [topics.deadLetters],
    });
    const seen: DeadLetter[] = [];
    void consumer.start(async (batch) => {
      for (const m of batch.messages) seen.push(JSON.parse(m.value.toString('utf8')));
    });
    const again = await eventually(async () => seen.find((d) => d.replay_of === stillBad.id), 30_000).finally(
      () => consumer.stop(),
    );
    expect(again).toMatchObject({
      event_id: 'ev-200',
      attempts: 2,
      code: 'invalid_envelope',
      payload: stillBad.payload,
    });
    expect(again.first_failed_at).toBe(stillBad.failed_at);
  });

  it('resumes an interrupted replay under its id, sending only what it had not sent', async () => {
    const reason = 'resume me';
    const batch = Array.from({ length: 25 }, (_, i) =>
      violation(300 + i, new Date(base + 300_000 + i * 10), { message: reason }),
    );
    await store(batch);
    // The broker goes away after the first page (rate 40/s: pages of 10).
    let sends = 0;
    const flaky: Producer = {
      send: (topic, messages) =>
        ++sends === 2 ? Promise.reject(new Error('broker unreachable')) : producer.send(topic, messages),
      close: async () => {},
    };
    const selection = { kind: 'filter' as const, filter: { reason } };
    const first = await startReplay(
      { ...deps, transport: { ...deps.transport, producer: flaky } },
      { selection, rate: 40 },
      'tab-1',
    );
    expect(await first.done).toMatchObject({
      state: 'failed',
      error: 'broker unreachable',
      processed: 10,
      sent: 10,
      resumable: true,
    });
    // As if its server had died instead: still "running", but the heartbeat stopped.
    const id = first.replay.id;
    await db.dlqReplay.update({
      where: { id },
      data: { state: 'running', heartbeatAt: new Date(Date.now() - 60_000) },
    });
    expect(await getReplay(db, id)).toMatchObject({ state: 'interrupted', resumable: true });

    await queueResume(db, id, 'tab-2');
    await expect(queueResume(db, id, 'tab-3')).rejects.toThrow(/already queued/);
    const [resumed] = await runnerOver(deps).sweep();
    expect(resumed?.replay.id).toBe(id);
    expect(await resumed!.done).toMatchObject({
      state: 'completed',
      total: 25,
      processed: 25,
      sent: 25,
      resumable: false,
    });
    await expect(queueResume(db, id, 'tab-3')).rejects.toThrow(/is completed/);

    const recorded = await selectRows(
      target,
      `SELECT id, count() AS n FROM {db:Identifier}.dead_letter_status WHERE replay_id = {id:String} GROUP BY id`,
      { id },
      z.object({ id: z.string(), n: z.coerce.number() }),
    );
    expect(recorded.map((r) => r.id).sort()).toEqual(batch.map((b) => b.id).sort());
    expect(recorded.every((r) => r.n === 1)).toBe(true);
    const ofThisReplay = (seen: IncomingMessage[]) =>
      seen.filter((m) => m.headers[REPLAY_HEADERS.replayId] === id);
    const sent = ofThisReplay(await eventsOnTopic((seen) => ofThisReplay(seen).length >= 25));
    expect(new Set(sent.map((m) => m.key)).size).toBe(25);
    expect(sent).toHaveLength(25);
    const audit = await db.auditLog.findMany({ where: { entityId: id }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual([
      'dlq.replay',
      'dlq.replay_finished',
      'dlq.replay_resumed',
      'dlq.replay_finished',
    ]);
  });

  it('resumes replays whose runner stopped, once across two runners, with the starter’s pii masking', async () => {
    const reason = 'supervise me';
    // The text is in a pii field of three entries and in plain metadata of two: a locked
    // starter's selection holds the two, and so must its resumption, whoever resumes it.
    const text = 'zz-needle';
    const batch = Array.from({ length: 5 }, (_, i) => {
      const hidden = i < 3;
      const event = {
        event_id: `sup-${i}`,
        event_type: subject,
        data: { price: 1, email: hidden ? `${text}-${i}@x.io` : `n${i}@x.io` },
        metadata: { note: hidden ? 'plain' : `${text} in plain sight` },
      };
      return violation(500 + i, new Date(base + 500_000 + i * 10), {
        message: reason,
        event_id: event.event_id,
        payload: JSON.stringify(event),
      });
    });
    await store(batch);
    const locked = scopeFor({ paths: new Map([[subject, ['/email']]]), reveal: false });
    const down: Producer = {
      send: () => Promise.reject(new Error('broker unreachable')),
      close: async () => {},
    };
    const first = await startReplay(
      { ...deps, transport: { ...deps.transport, producer: down } },
      { selection: { kind: 'filter', filter: { reason, text } }, rate: 100 },
      'tab-1',
      locked,
    );
    expect(await first.done).toMatchObject({ state: 'failed', total: 2, processed: 0 });
    const id = first.replay.id;
    const stale = new Date(Date.now() - 60_000);
    await db.dlqReplay.update({ where: { id }, data: { state: 'running', heartbeatAt: stale } });
    // Neither a replay that still reports progress nor one of an edited event is taken.
    const row = { actor: 'x', selection: { kind: 'ids', ids: [batch[0]!.id] }, rate: 10, total: 1 };
    const fresh = await db.dlqReplay.create({ data: { ...row, state: 'running' } });
    const edited = await db.dlqReplay.create({
      data: { ...row, state: 'running', edited: true, heartbeatAt: stale },
    });

    // Two jobs runners sweep at once: the stale one goes to exactly one of them.
    const sweeps = await Promise.all([runnerOver(deps).sweep(), runnerOver(deps).sweep()]);
    const resumed = sweeps.flat();
    expect(resumed.map((r) => r.replay.id)).toEqual([id]);
    expect(await resumed[0]!.done).toMatchObject({ state: 'completed', total: 2, processed: 2, sent: 2 });
    expect(await getReplay(db, fresh.id)).toMatchObject({ state: 'running' });
    expect(await getReplay(db, edited.id)).toMatchObject({ state: 'interrupted', resumable: false });
    await db.dlqReplay.deleteMany({ where: { id: { in: [fresh.id, edited.id] } } });

    const recorded = await selectRows(
      target,
      `SELECT DISTINCT id FROM {db:Identifier}.dead_letter_status WHERE replay_id = {id:String}`,
      { id },
      z.object({ id: z.string() }),
    );
    expect(recorded.map((r) => r.id).sort()).toEqual(
      batch
        .slice(3)
        .map((b) => b.id)
        .sort(),
    );
  });

  it('discards with a reason (audited) and keeps the original entry', async () => {
    const r = await discardEntries(
      { target, db },
      { selection: { kind: 'ids', ids: [other.id] }, reason: 'test data' },
      'oncall',
    );
    expect(r).toEqual({ discarded: 1 });
    const entry = await getEntry(target, other.id, noPii);
    expect(entry.status).toBe('discarded');
    expect(entry.payload).toBe(other.payload);
    expect(entry.history.at(-1)).toMatchObject({ status: 'discarded', actor: 'oncall', reason: 'test data' });
    expect(await db.auditLog.count({ where: { action: 'dlq.discard' } })).toBe(1);
  });

  it('changes retention on the table itself', async () => {
    expect(await getRetentionDays(target)).toBe(14);
    await setRetentionDays({ target, db }, 30, 'oncall');
    expect(await getRetentionDays(target)).toBe(30);
  });
});
