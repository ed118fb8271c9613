// The console's ClickHouse queries against the real engine (the run's embedded server), on a
// database of this file's own, migrated with the project's migrations.
import { randomBytes } from 'node:crypto';
import { pipelineStages, TributaryError } from '@tributary/contracts';
import { createClickHouse, insertRows, migrate, toDateTime64 } from '@tributary/clickhouse';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appRouter } from '../routers/index.ts';
import { userActor } from '../auth/test-actors.ts';
import { callerContext } from '../trpc.ts';
import { getLiveOverview, getLiveTail } from './live.ts';
import { getPipelineOverview } from './pipeline.ts';
import type { QueryTarget } from './run.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    clickhouseUrl: string;
  }
}

const MIN = 60_000;
/** A viewer who may see pii, with nothing tagged (server/pii-masking.int.test.ts covers masking). */
const seeAll = { paths: new Map<string, string[]>(), reveal: true };
const now = Date.now();
const database = `tributary_web_${randomBytes(4).toString('hex')}`;
let target: QueryTarget;

function event(id: string, type: string, receivedAgoMs: number, freshnessMs: number) {
  const received = now - receivedAgoMs;
  return {
    event_id: id,
    event_type: type,
    timestamp: toDateTime64(received - 5),
    user_id: type === 'click' ? null : `user_${id}`,
    data: { path: `/p/${id}`, nested: { n: 1 } },
    metadata: {},
    source: 'web',
    schema_version: 1,
    received_at: toDateTime64(received),
    processed_at: toDateTime64(received + 1),
    inserted_at: toDateTime64(received + freshnessMs),
  };
}

const metric = (agoMs: number, stage: string, count: number) => ({
  ts: toDateTime64(now - agoMs),
  service: 'test',
  instance: 'i1',
  stage,
  count,
});

const deadLetter = (id: string, agoMs: number) => ({
  id,
  event_id: `e-${id}`,
  stage: 'ingest',
  code: 'schema_mismatch',
  message: 'bad',
  details: '{}',
  payload: '{}',
  payload_encoding: 'utf8',
  failed_at: toDateTime64(now - agoMs),
  attempts: 1,
});

beforeAll(async () => {
  const client = createClickHouse({ url: inject('clickhouseUrl') });
  target = { client, database };
  await migrate({ client, database });
  await insertRows(client, `${database}.events`, [
    event('pv1', 'page_view', 10 * MIN, 100),
    event('pv2', 'page_view', 10 * MIN + 1_000, 200),
    event('pv3', 'page_view', 10 * MIN + 2_000, 300),
    event('ck1', 'click', 2 * MIN, 1_000),
    event('old', 'legacy', 120 * MIN, 50),
  ]);
  await insertRows(client, `${database}.pipeline_metrics`, [
    metric(30_000, 'received', 10),
    metric(30_000, 'accepted', 8),
    metric(30_000, 'rejected', 2),
    metric(30_000, 'mystery', 7),
    metric(20 * MIN, 'received', 5),
    metric(180 * MIN, 'received', 100),
  ]);
  await insertRows(client, `${database}.dead_letters`, [deadLetter('d1', MIN), deadLetter('d2', 120 * MIN)]);
});

afterAll(async () => {
  await target?.client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
  await target?.client.close();
});

describe('live queries', () => {
  it('counts events and buckets the last hour per minute, zero-filled', async () => {
    const o = await getLiveOverview(target, now);
    expect(o.totalEvents).toBe(5);
    expect(o.lastEventAt).toBe(now - 2 * MIN);
    expect(o.perMinute.points).toHaveLength(60);
    expect(o.perMinute.points.at(-1)?.t).toBe(Math.floor(now / MIN) * MIN);
    expect(o.perMinute.keys).toEqual(['page_view', 'click']);
    const sum = (key: string) => o.perMinute.points.reduce((s, p) => s + (p.values[key] ?? 0), 0);
    expect(sum('page_view')).toBe(3);
    expect(sum('click')).toBe(1);
    const clickBucket = o.perMinute.points.find((p) => p.t === Math.floor((now - 2 * MIN) / MIN) * MIN);
    expect(clickBucket?.values.click).toBe(1);
    expect(
      o.perMinute.points.filter((p) => Object.values(p.values).every((v) => v === 0)).length,
    ).toBeGreaterThan(50);
  });

  it('tails the newest events first, with the payload as pretty JSON', async () => {
    const tail = await getLiveTail(target, 50, seeAll);
    expect(tail.map((e) => e.event_id)).toEqual(['ck1', 'pv1', 'pv2', 'pv3', 'old']);
    const first = tail[0];
    expect(first).toMatchObject({ event_type: 'click', user_id: null, source: 'web', schema_version: 1 });
    expect(first?.received_at).toBe(now - 2 * MIN);
    expect(JSON.parse(first?.data ?? '')).toEqual({ path: '/p/ck1', nested: { n: 1 } });
    expect(first?.data).toContain('\n  "path"');
    expect((await getLiveTail(target, 2, seeAll)).map((e) => e.event_id)).toEqual(['ck1', 'pv1']);
  });

  it('narrows the tail to one flow: a source, an event type, a processor', async () => {
    const ids = async (filter: Parameters<typeof getLiveTail>[3]) =>
      (await getLiveTail(target, 50, seeAll, filter)).map((e) => e.event_id);
    expect(await ids({ eventType: 'click' })).toEqual(['ck1']);
    expect(await ids({ source: 'web', eventType: 'page_view' })).toEqual(['pv1', 'pv2', 'pv3']);
    expect(await ids({ source: 'mobile' })).toEqual([]);
    expect(await ids({ processor: 'none-such' })).toEqual([]);
  });

  it('shows an event once even before ClickHouse merged a repeated insert', async () => {
    await insertRows(target.client, `${database}.events`, [event('ck1', 'click', 2 * MIN, 1_000)]);
    const ids = (await getLiveTail(target, 50, seeAll)).map((e) => e.event_id);
    expect(ids.filter((id) => id === 'ck1')).toHaveLength(1);
    // Fold the repeat so the counts below see one row per event, as after a background merge.
    await target.client.command({ query: `OPTIMIZE TABLE ${database}.events FINAL` });
  });
});

describe('pipeline queries', () => {
  it('sums stage counts over the chosen window, every stage present', async () => {
    const five = await getPipelineOverview(target, '5m', now);
    expect(Object.keys(five.stages)).toEqual([...pipelineStages]);
    expect(five.stages).toMatchObject({
      received: 10,
      accepted: 8,
      rejected: 2,
      inserted: 0,
      dead_lettered: 0,
    });
    expect((await getPipelineOverview(target, '1h', now)).stages.received).toBe(15);
    expect((await getPipelineOverview(target, '24h', now)).stages.received).toBe(115);
  });

  it('charts stages per bucket in pipeline order, unknown stages after', async () => {
    const o = await getPipelineOverview(target, '5m', now);
    expect(o.series.stepMs).toBe(15_000);
    expect(o.series.points).toHaveLength(20);
    expect(o.series.keys).toEqual([...pipelineStages, 'mystery']);
    expect(o.series.points.reduce((s, p) => s + (p.values.received ?? 0), 0)).toBe(10);
    expect(o.series.points.reduce((s, p) => s + (p.values.mystery ?? 0), 0)).toBe(7);
  });

  it('reports freshness quantiles and stored counts for events received in the window', async () => {
    const five = await getPipelineOverview(target, '5m', now);
    expect(five.freshness).toEqual({ events: 1, p50: 1_000, p99: 1_000 });
    expect(five.stored).toEqual({ events: 1, deadLetters: 1 });

    const hour = await getPipelineOverview(target, '1h', now);
    expect(hour.stored.events).toBe(4);
    expect(hour.freshness.p50).toBeGreaterThanOrEqual(200);
    expect(hour.freshness.p50).toBeLessThanOrEqual(300);
    expect(hour.freshness.p99).toBeGreaterThan(300);
    expect(hour.freshness.p99).toBeLessThanOrEqual(1_000);

    const day = await getPipelineOverview(target, '24h', now);
    expect(day.stored).toEqual({ events: 5, deadLetters: 2 });
  });

  it('gives null freshness, not zero, when nothing was received', async () => {
    const o = await getPipelineOverview(target, '5m', now + 24 * 60 * MIN);
    expect(o.freshness).toEqual({ events: 0, p50: null, p99: null });
  });
});

describe('errors', () => {
  const down: () => QueryTarget = () => ({
    client: createClickHouse({ url: 'http://127.0.0.1:1' }),
    database,
  });

  it('reports an unreachable ClickHouse as unavailable', async () => {
    const t = down();
    await expect(getLiveOverview(t)).rejects.toSatisfy(
      (err) => err instanceof TributaryError && err.code === 'unavailable',
    );
    await t.client.close();
  });

  it('maps domain errors to tRPC codes through the router', async () => {
    const t = down();
    const caller = appRouter.createCaller(callerContext(t, userActor('viewer')));
    const err = await caller.pipeline.overview({ window: '1h' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe('SERVICE_UNAVAILABLE');
    // The tail reads pii tags from Postgres, which this file does not start: the overview then.
    const ok = await appRouter.createCaller(callerContext(target, userActor('viewer'))).live.overview();
    expect(ok.perMinute.points).toHaveLength(60);
    await t.client.close();
  });

  it('rejects an unknown window before touching ClickHouse', async () => {
    const caller = appRouter.createCaller(callerContext(target, userActor('viewer')));
    await expect(caller.pipeline.overview({ window: '7d' as never })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});
