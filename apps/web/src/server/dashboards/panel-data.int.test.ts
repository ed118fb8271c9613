// A dashboard panel's data against the real ClickHouse engine, Postgres and Redis: the numbers
// equal a hand-written GROUP BY over the raw events; 50 viewers asking at once inside one
// refresh bucket cause one ClickHouse query; a variable narrows the panels that use it.
import { createDashboard, getDashboard } from '@tributary/analytics';
import { createClickHouse, insertRows, toDateTime64, type ClickHouseClient } from '@tributary/clickhouse';
import { createDb, type Db } from '@tributary/db';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../../../../../scripts/test-infra/fixtures.ts';
import { panelData } from './panel-data.ts';

let iso: Isolated;
let db: Db;
let ch: ClickHouseClient;
let redis: Redis;
// A bucket boundary well inside the data: the dashboard's hour ends here.
const NOW = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000;

beforeAll(async () => {
  iso = await isolate();
  db = createDb(iso.databaseUrl);
  ch = createClickHouse({ url: iso.clickhouseUrl });
  redis = new Redis(iso.redisUrl);
  const rows = Array.from({ length: 600 }, (_, i) => {
    const at = NOW - 90 * 60_000 + i * 10_000; // 100 minutes of events, one every 10 s
    return {
      event_id: `pd-${i}`,
      event_type: i % 3 === 0 ? 'purchase' : 'page_view',
      timestamp: toDateTime64(at),
      user_id: `u-${i % 7}`,
      data: { amount: i % 3 === 0 ? i : null },
      metadata: {},
      source: i % 2 === 0 ? 'web' : 'ios',
      schema_version: 1,
      received_at: toDateTime64(at),
      processed_at: toDateTime64(at),
    };
  });
  await insertRows(ch, `${iso.clickhouseDatabase}.events`, rows);
  await createDashboard(
    db,
    {
      slug: 'product',
      title: 'Product',
      definition: {
        range: '1h',
        refreshSeconds: 5,
        variables: [{ name: 'src', kind: 'source' }],
        panels: [
          {
            id: 'per-type',
            title: 'Events per minute by type',
            viz: 'line',
            query: {
              source: { kind: 'events' },
              measure: { fn: 'count' },
              groupBy: ['event_type'],
              filters: [{ field: 'source', op: '=', variable: 'src' }],
              interval: 300,
            },
            layout: { x: 0, y: 0, w: 8, h: 4 },
          },
          {
            id: 'revenue',
            title: 'Revenue',
            viz: 'stat',
            query: {
              source: { kind: 'events', eventTypes: ['purchase'] },
              measure: { fn: 'sum', field: 'data.amount' },
              interval: 3600,
            },
            layout: { x: 8, y: 0, w: 4, h: 4 },
          },
        ],
      },
    },
    { actor: 'test' },
  );
});

afterAll(async () => {
  const keys = await redis.keys(`${iso.redisPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await db?.$disconnect();
  await ch?.close();
  await iso?.cleanup();
});

async function sql(query: string, params: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
  const rs = await ch.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json();
}

const deps = (group = 'it-workers') => ({
  clickhouse: { client: ch, database: iso.clickhouseDatabase },
  redis,
  redisPrefix: iso.redisPrefix,
  progress: { group, topic: 'it.events' },
});

describe('dashboard panel data', () => {
  it('equals a GROUP BY over the raw events, and 50 viewers at once cause one query', async () => {
    const dashboard = await getDashboard(db, 'product');
    const results = await Promise.all(
      Array.from({ length: 50 }, () => panelData(deps(), dashboard, 'per-type', {}, { now: NOW + 1000 })),
    );
    expect(results.filter((r) => r.cache === 'computed')).toHaveLength(1);
    const first = results[0]!;
    expect(results.every((r) => JSON.stringify(r.series) === JSON.stringify(first.series))).toBe(true);
    expect(first.range).toEqual({ from: NOW - 3600_000, to: NOW });

    const expected = await sql(
      `SELECT event_type, toUnixTimestamp(toStartOfInterval(timestamp, INTERVAL 300 SECOND)) * 1000 AS t, count() AS v
       FROM ${iso.clickhouseDatabase}.events
       WHERE timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND timestamp < fromUnixTimestamp64Milli({to:Int64})
       GROUP BY event_type, t ORDER BY event_type, t`,
      { from: NOW - 3600_000, to: NOW },
    );
    const got = first.series
      .flatMap((s) =>
        s.points.filter((p) => p.v !== 0).map((p) => ({ event_type: s.key[0], t: p.t, v: p.v })),
      )
      .sort((a, b) => (a.event_type! < b.event_type! ? -1 : a.event_type! > b.event_type! ? 1 : a.t - b.t));
    expect(got).toEqual(expected);
  });

  it('applies a variable to the panel that reads it; the sum panel matches its SQL', async () => {
    const dashboard = await getDashboard(db, 'product');
    const web = await panelData(deps(), dashboard, 'per-type', { src: 'web' }, { now: NOW + 1000 });
    const total = (r: typeof web) =>
      r.series.reduce((n, s) => n + s.points.reduce((m, p) => m + (p.v ?? 0), 0), 0);
    const [{ n }] = (await sql(
      `SELECT count() AS n FROM ${iso.clickhouseDatabase}.events
       WHERE source = 'web' AND timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND timestamp < fromUnixTimestamp64Milli({to:Int64})`,
      { from: NOW - 3600_000, to: NOW },
    )) as [{ n: number }];
    expect(total(web)).toBe(n);

    const revenue = await panelData(deps(), dashboard, 'revenue', { src: 'web' }, { now: NOW + 1000 });
    const [{ s }] = (await sql(
      `SELECT sum(toFloat64(data.amount)) AS s FROM ${iso.clickhouseDatabase}.events
       WHERE event_type = 'purchase' AND timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND timestamp < fromUnixTimestamp64Milli({to:Int64})`,
      { from: NOW - 3600_000, to: NOW },
    )) as [{ s: number }];
    expect(revenue.series[0]?.points.reduce((m, p) => m + (p.v ?? 0), 0)).toBe(s);
  });

  it("carries the watermark from the workers' committed progress, unknown without a recent sample", async () => {
    const dashboard = await getDashboard(db, 'product');
    const sampled = Date.now() - 2000;
    const lagRow = (partition: number, lag: number, lagSeconds: number | null) => ({
      ts: toDateTime64(sampled),
      group_id: 'it-workers-wm',
      topic: 'it.events',
      partition,
      committed_offset: 100,
      end_offset: 100 + lag,
      lag,
      lag_seconds: lagSeconds,
    });
    await insertRows(ch, `${iso.clickhouseDatabase}.consumer_lag`, [
      lagRow(0, 0, 0),
      lagRow(1, 40, 7.5),
      lagRow(2, 3, 1),
    ]);
    const fresh = await panelData(deps('it-workers-wm'), dashboard, 'revenue', {});
    // The slowest partition is 7.5 s behind the sample.
    expect(fresh.watermark).toEqual({ at: sampled - 7500, sampledAt: sampled });
    const none = await panelData(deps('no-such-group'), dashboard, 'revenue', {});
    expect(none.watermark).toEqual({ at: null, sampledAt: null });
  });

  it('says which panel does not exist', async () => {
    const dashboard = await getDashboard(db, 'product');
    await expect(panelData(deps(), dashboard, 'nope', {})).rejects.toThrow(/has no panel nope/);
  });
});
