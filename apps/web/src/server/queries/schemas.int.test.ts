// The schemas console's ClickHouse queries and router against the real engine, a real Postgres
// database and a real Kafka broker (the control topic), each isolated for this file.
import { createClickHouse, insertRows, toDateTime64 } from '@tributary/clickhouse';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../../../../../scripts/test-infra/fixtures.ts';
import { userActor } from '../auth/test-actors.ts';
import type { QueryTarget } from './run.ts';
import { checkEventsAgainst, getSubjectTraffic, hasEventsForVersion, sampleRecentEvents } from './schemas.ts';

const HOUR = 3_600_000;
const now = Date.now();
let iso: Isolated;
let target: QueryTarget;

function event(id: string, type: string, receivedAgoMs: number, data: object, version: number | null = 1) {
  const received = now - receivedAgoMs;
  return {
    event_id: id,
    event_type: type,
    timestamp: toDateTime64(received),
    user_id: null,
    data,
    metadata: {},
    source: 'web',
    schema_version: version,
    received_at: toDateTime64(received),
    processed_at: toDateTime64(received + 1),
    inserted_at: toDateTime64(received + 2),
  };
}

beforeAll(async () => {
  // Own topics (the control topic mutations publish on), ClickHouse database and Postgres database.
  iso = await isolate();
  const client = createClickHouse({ url: iso.clickhouseUrl });
  target = { client, database: iso.clickhouseDatabase };
  await insertRows(client, `${iso.clickhouseDatabase}.events`, [
    event('s1', 'signup', 1 * HOUR, { plan: 'pro', method: 'sso', seats: 3 }),
    event('s2', 'signup', 2 * HOUR, { plan: 'free', method: 'email' }),
    event('s3', 'signup', 3 * HOUR, { plan: 42, method: 'fax' }),
    event('s4', 'signup', 4 * HOUR, { method: 'email', extra: true }),
    event('s5', 'signup', 30 * HOUR, { plan: 'old' }, 2),
    event('v1', 'view', 10 * HOUR, { path: '/' }, null),
  ]);
  // NOTE: the console's env is parsed when first imported, so the router loads only after this.
  process.env.DATABASE_URL = iso.databaseUrl;
  process.env.KAFKA_BROKERS = iso.brokers;
  process.env.TOPIC_PREFIX = iso.topicPrefix;
});

afterAll(async () => {
  const { getDb } = await import('../db.ts');
  const { closeControlProducer } = await import('../control.ts');
  await closeControlProducer();
  await getDb().$disconnect();
  await target?.client.close();
  await iso?.cleanup();
});

describe('schema queries', () => {
  it('counts the last 24 h per event type and reports the newest receive time', async () => {
    const traffic = await getSubjectTraffic(target, ['signup', 'view', 'never'], now);
    expect(traffic.get('signup')).toEqual({ events24h: 4, lastSeenAt: now - HOUR });
    expect(traffic.get('view')).toEqual({ events24h: 1, lastSeenAt: now - 10 * HOUR });
    expect(traffic.has('never')).toBe(false);
    expect((await getSubjectTraffic(target, [], now)).size).toBe(0);
  });

  it('samples the newest events of a type within 24 h, with their data as JSON', async () => {
    const sample = await sampleRecentEvents(target, 'signup', 1000, now);
    expect(sample.map((e) => e.event_id)).toEqual(['s1', 's2', 's3', 's4']);
    // Integers stay numbers through the JSON column, so "integer" validates as at ingest.
    expect(sample[0]?.data).toEqual({ plan: 'pro', method: 'sso', seats: 3 });
    expect(sample[2]?.data).toEqual({ plan: 42, method: 'fax' });
    expect((await sampleRecentEvents(target, 'signup', 2, now)).map((e) => e.event_id)).toEqual(['s1', 's2']);
  });

  it('finds whether events reference a schema version', async () => {
    expect(await hasEventsForVersion(target, 'signup', 1)).toBe(true);
    expect(await hasEventsForVersion(target, 'signup', 2)).toBe(true);
    expect(await hasEventsForVersion(target, 'signup', 3)).toBe(false);
    expect(await hasEventsForVersion(target, 'view', 1)).toBe(false);
  });

  it('validates sampled data and counts every failure beyond the examples shown', async () => {
    const schema = {
      type: 'object',
      properties: {
        plan: { type: 'string' },
        method: { enum: ['email', 'sso'] },
        seats: { type: 'integer' },
      },
      required: ['plan'],
      additionalProperties: false,
    };
    const sample = await sampleRecentEvents(target, 'signup', 1000, now);
    const result = checkEventsAgainst(schema, sample);
    expect(result).toMatchObject({ checked: 4, failing: 2 });
    expect(result.examples.map((e) => e.event_id)).toEqual(['s3', 's4']);
    expect(result.examples[0]?.messages.join(' ')).toMatch(/plan must be string/);
    expect(result.examples[1]?.messages.join(' ')).toMatch(/required property 'plan'/);

    // Many failures across chunks: all counted, examples capped.
    const many = Array.from({ length: 45 }, (_, i) => ({
      event_id: `m${i}`,
      data: i % 3 === 0 ? {} : { plan: 'x' },
    }));
    const r = checkEventsAgainst(schema, many, 5);
    expect(r).toMatchObject({ checked: 45, failing: 15 });
    expect(r.examples.map((e) => e.event_id)).toEqual(['m0', 'm3', 'm6', 'm9', 'm12']);
  });
});

describe('schemas router', () => {
  const v1 = {
    type: 'object',
    properties: { plan: { type: 'string' }, method: { enum: ['email', 'sso'] } },
    required: ['plan'],
    additionalProperties: false,
  };

  async function caller() {
    const { appRouter } = await import('../routers/index.ts');
    const { callerContext } = await import('../trpc.ts');
    return appRouter.createCaller(callerContext(target, userActor('admin')));
  }

  it('checks, registers and lists a subject with its traffic', async () => {
    const api = await caller();
    const syntax = await api.schemas.check({ subject: 'signup', text: '{\n  "type": "object",\n}' });
    expect(syntax.syntaxError).toMatch(/^Line 3, column 1: /);
    const doc = await api.schemas.check({ subject: 'signup', text: '{"type":"strin"}' });
    expect(doc.documentErrors.length).toBeGreaterThan(0);
    const fresh = await api.schemas.check({ subject: 'signup', text: JSON.stringify(v1) });
    expect(fresh).toMatchObject({ compatible: true, mode: null, reasons: [] });

    expect(await api.schemas.register({ subject: 'signup', text: JSON.stringify(v1) })).toEqual({
      version: 1,
      created: true,
    });
    const list = await api.schemas.list();
    expect(list.trafficError).toBeNull();
    expect(list.subjects.find((s) => s.name === 'signup')).toMatchObject({
      mode: 'BACKWARD',
      versionCount: 1,
      latestVersion: 1,
      events24h: 4,
      lastSeenAt: now - HOUR,
    });
  });

  it('gives the compatibility verdict with reasons under the subject mode', async () => {
    const api = await caller();
    const optional = { ...v1, properties: { ...v1.properties, seats: { type: 'integer' } } };
    expect(await api.schemas.check({ subject: 'signup', text: JSON.stringify(optional) })).toMatchObject({
      mode: 'BACKWARD',
      compatible: true,
      checkedVersions: [1],
    });
    const required = { ...v1, required: ['plan', 'method'] };
    const verdict = await api.schemas.check({ subject: 'signup', text: JSON.stringify(required) });
    expect(verdict.compatible).toBe(false);
    expect(verdict.reasons.length).toBeGreaterThan(0);
    expect(verdict.reasons[0]?.message).toMatch(/method/);
    await expect(
      api.schemas.register({ subject: 'signup', text: JSON.stringify(required) }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('checks a candidate against recent traffic', async () => {
    const api = await caller();
    const result = await api.schemas.trafficCheck({ subject: 'signup', text: JSON.stringify(v1) });
    expect(result).toMatchObject({ checked: 4, failing: 3, sampleLimit: 1000, windowHours: 24 });
    expect(result.examples.map((e) => e.event_id)).toEqual(['s1', 's3', 's4']);
    await expect(api.schemas.trafficCheck({ subject: 'signup', text: '{' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('changes mode, deprecates, and refuses to delete a version events reference', async () => {
    const api = await caller();
    const err = await api.schemas.delete({ subject: 'signup', version: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe('CONFLICT');
    expect((err as TRPCError).message).toMatch(/stored events reference it/);

    const v2 = { ...v1, properties: { ...v1.properties, seats: { type: 'integer' } } };
    expect(await api.schemas.register({ subject: 'signup', text: JSON.stringify(v2) })).toEqual({
      version: 2,
      created: true,
    });
    expect(await api.schemas.setMode({ subject: 'signup', mode: 'FULL' })).toEqual({ mode: 'FULL' });
    expect(await api.schemas.deprecate({ subject: 'signup', version: 1 })).toEqual({
      version: 1,
      status: 'deprecated',
    });
    // The stored events name versions 1 and 2 of "signup"; none names version 3.
    const v3 = { ...v2, description: 'v3' };
    expect((await api.schemas.register({ subject: 'signup', text: JSON.stringify(v3) })).version).toBe(3);
    expect(await api.schemas.delete({ subject: 'signup', version: 3 })).toEqual({ version: 3 });

    const detail = await api.schemas.detail({ subject: 'signup' });
    expect(detail.subject.mode).toBe('FULL');
    expect(detail.versions.map((v) => [v.version, v.status])).toEqual([
      [1, 'deprecated'],
      [2, 'active'],
    ]);
    await expect(api.schemas.detail({ subject: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
