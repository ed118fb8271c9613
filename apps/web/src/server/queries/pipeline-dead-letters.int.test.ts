// The Pipeline page's dead-letter rate per failing stage, against the real engine, on a
// database of this file's own, migrated with the project's migrations.
import { randomBytes } from 'node:crypto';
import { createClickHouse, insertRows, migrate, toDateTime64 } from '@tributary/clickhouse';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getPipelineOverview } from './pipeline.ts';
import type { QueryTarget } from './run.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    clickhouseUrl: string;
  }
}

const MIN = 60_000;
const now = Date.now();
const database = `tributary_web_dl_${randomBytes(4).toString('hex')}`;
let target: QueryTarget;

const deadLetter = (id: string, stage: string, agoMs: number) => ({
  id,
  event_id: `e-${id}`,
  stage,
  code: 'schema_violation',
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
  const first = deadLetter('i1', 'ingest', 2 * MIN);
  const rows = [
    first,
    deadLetter('i2', 'ingest', 2 * MIN),
    deadLetter('w1', 'worker', 2 * MIN),
    deadLetter('s1', 'sink', 8 * MIN),
    deadLetter('old', 'ingest', 120 * MIN),
  ];
  await insertRows(client, `${database}.dead_letters`, rows);
  // The same entry delivered twice (a redelivered dead-letter message) is one failure.
  await insertRows(client, `${database}.dead_letters`, [first]);
});

afterAll(async () => {
  await target?.client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
  await target?.client.close();
});

describe('dead letters per stage on the Pipeline page', () => {
  const sum = (points: Array<{ values: Record<string, number> }>, key: string) =>
    points.reduce((s, p) => s + (p.values[key] ?? 0), 0);

  it('charts each failing stage in the same buckets as the throughput chart', async () => {
    const o = await getPipelineOverview(target, '1h', now);
    const d = o.deadLetterSeries;
    expect(d.keys).toEqual(['ingest', 'worker', 'processor', 'sink']);
    expect(d.stepMs).toBe(o.series.stepMs);
    expect(d.points.map((p) => p.t)).toEqual(o.series.points.map((p) => p.t));
    expect(sum(d.points, 'ingest')).toBe(2);
    expect(sum(d.points, 'worker')).toBe(1);
    expect(sum(d.points, 'sink')).toBe(1);
    const bucket = d.points.find((p) => p.t === Math.floor((now - 2 * MIN) / MIN) * MIN);
    expect(bucket?.values).toMatchObject({ ingest: 2, worker: 1 });
  });

  it('follows the window, complete buckets only', async () => {
    // The chart ends at the last complete 15-minute bucket: the recent failures count only once
    // their bucket is over, the one two hours ago always does.
    const step = 15 * MIN;
    const lastComplete = Math.floor(now / step) * step - step;
    const complete = (agoMs: number) => (Math.floor((now - agoMs) / step) * step <= lastComplete ? 1 : 0);
    const day = await getPipelineOverview(target, '24h', now);
    expect(sum(day.deadLetterSeries.points, 'ingest')).toBe(2 * complete(2 * MIN) + 1);
    expect(sum(day.deadLetterSeries.points, 'sink')).toBe(complete(8 * MIN));
    const five = await getPipelineOverview(target, '5m', now);
    expect(sum(five.deadLetterSeries.points, 'ingest')).toBe(2);
    expect(sum(five.deadLetterSeries.points, 'sink')).toBe(0);
  });
});
