// Panel queries against the real ClickHouse engine: every measure, on every source the router
// picks, must equal a hand-written query over the raw events table, and the routed answer must
// equal the same query forced onto raw events.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createClickHouse,
  defaultMigrationsDir,
  insertRows,
  migrate,
  type ClickHouseClient,
} from '@tributary/clickhouse';
import type { PanelQueryInput } from '@tributary/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../../../../scripts/test-infra/fixtures.ts';
import { planPanelQuery } from './plan.ts';
import { runPanelQuery, type PanelResult } from './run.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
// Hour-aligned and in the past: the rollups are by event time, so any time works.
const T0 = Date.parse('2026-03-10T00:00:00.000Z');
const TYPES = ['purchase', 'signup', 'view'] as const;
const SOURCES = ['web', 'ios'] as const;
const PLANS = ['free', 'pro', 'team', 'enterprise'] as const;

/** Deterministic pseudo-random numbers, so a failure replays with the same data. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Row {
  event_id: string;
  event_type: string;
  timestamp: string;
  user_id: string | null;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  source: string;
  schema_version: number;
  received_at: string;
  processed_at: string;
}

function events(prefix: string, n: number, seed: number, from: number, to: number): Row[] {
  const rnd = lcg(seed);
  const rows: Row[] = [];
  const now = new Date().toISOString();
  for (let i = 0; i < n; i++) {
    const t = from + Math.floor(rnd() * (to - from));
    const data: Record<string, unknown> = {};
    // Quarters are exact in binary: sums do not depend on the order ClickHouse adds them in.
    if (rnd() < 0.85) data.amount = Math.floor(rnd() * 4000) / 4 + 0.25;
    if (rnd() < 0.9) data.plan = PLANS[Math.floor(rnd() * rnd() * PLANS.length)];
    rows.push({
      event_id: `${prefix}-${i}`,
      event_type: TYPES[Math.floor(rnd() * TYPES.length)]!,
      timestamp: new Date(t).toISOString(),
      user_id: rnd() < 0.1 ? null : `u${Math.floor(rnd() * 60)}`,
      data,
      metadata: { country: rnd() < 0.5 ? 'DE' : 'FR' },
      source: SOURCES[Math.floor(rnd() * SOURCES.length)]!,
      schema_version: 1,
      // Late events arrive now with old timestamps; received_at plays no part in the buckets.
      received_at: now,
      processed_at: now,
    });
  }
  return rows;
}

const ch64 = (ms: number) =>
  `toDateTime64('${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}', 3, 'UTC')`;

/** Hand-written SQL for each measure over raw events (independent spellings where possible). */
const handMeasures = {
  count: 'count()',
  unique_users: 'uniqExact(user_id)',
  uniq: 'uniqExact(data.plan::Nullable(String))',
  sum: 'sum(data.amount::Nullable(Float64))',
  avg: 'avg(data.amount::Nullable(Float64))',
  min: 'min(data.amount::Nullable(Float64))',
  max: 'max(data.amount::Nullable(Float64))',
  p50: 'quantileExact(0.5)(data.amount::Nullable(Float64))',
  p95: 'quantileExact(0.95)(data.amount::Nullable(Float64))',
  p99: 'quantileExact(0.99)(data.amount::Nullable(Float64))',
} as const;
type Fn = keyof typeof handMeasures;

function measureOf(fn: Fn): PanelQueryInput['measure'] {
  if (fn === 'count' || fn === 'unique_users') return { fn };
  if (fn === 'uniq') return { fn, field: 'data.plan' };
  return { fn, field: 'data.amount' };
}

describe('runPanelQuery on the real engine', () => {
  let iso: Isolated;
  let ch: ClickHouseClient;
  let target: { client: ClickHouseClient; database: string };
  let db: string;

  /** Hand-written: `[keys..., t (s), v]` per group and bucket, over [from, to). */
  async function hand(
    fn: Fn,
    range: { from: number; to: number },
    interval: number,
    opts: { types?: string[]; groups?: string[]; extraWhere?: string } = {},
  ): Promise<Map<string, number | null>> {
    const groups = opts.groups ?? [];
    const where = [
      `timestamp >= ${ch64(range.from)}`,
      `timestamp < ${ch64(range.to)}`,
      ...(opts.types ? [`event_type IN (${opts.types.map((t) => `'${t}'`).join(', ')})`] : []),
      ...(opts.extraWhere ? [opts.extraWhere] : []),
    ].join(' AND ');
    const keys = groups.map((g, i) => `toString(${g}) AS k${i}, `).join('');
    const keyNames = groups.map((_, i) => `k${i}, `).join('');
    const rs = await ch.query({
      query: `SELECT ${keys}intDiv(toUnixTimestamp(timestamp), ${interval}) * ${interval} AS t, ${handMeasures[fn]} AS v
              FROM ${db}.events WHERE ${where} GROUP BY ${keyNames}t ORDER BY ${keyNames}t`,
      format: 'JSONEachRow',
    });
    const out = new Map<string, number | null>();
    for (const row of await rs.json<Record<string, string | number | null>>()) {
      const key = groups.map((_, i) => String(row[`k${i}`]));
      out.set(JSON.stringify([...key, Number(row.t) * 1000]), row.v === null ? null : Number(row.v));
    }
    return out;
  }

  function flatten(result: PanelResult): Map<string, number | null> {
    const out = new Map<string, number | null>();
    for (const s of result.series) for (const p of s.points) out.set(JSON.stringify([...s.key, p.t]), p.v);
    return out;
  }

  /** Every bucket the hand query has must match; every other bucket must be empty. */
  function expectMatchesHand(
    result: PanelResult,
    expected: Map<string, number | null>,
    empty: number | null,
  ) {
    const got = flatten(result);
    for (const [k, v] of expected) expect([k, got.get(k)]).toEqual([k, v]);
    for (const [k, v] of got) if (!expected.has(k)) expect([k, v]).toEqual([k, empty]);
    expect(expected.size).toBeGreaterThan(0);
  }

  beforeAll(async () => {
    iso = await isolate();
    ch = createClickHouse({ url: iso.clickhouseUrl });
    db = iso.clickhouseDatabase;
    target = { client: ch, database: db };
    const rows = events('e', 12_000, 7, T0, T0 + 6 * HOUR);
    for (let i = 0; i < rows.length; i += 3000) {
      await insertRows(ch, `${db}.events`, rows.slice(i, i + 3000), { dedupToken: `it:first:${i}` });
    }
  });
  afterAll(async () => {
    await ch?.close();
    await iso?.cleanup();
  });

  const ranges = [
    {
      name: 'hour-aligned',
      range: { from: T0, to: T0 + 6 * HOUR },
      interval: 3600,
      countSource: 'rollup_1h',
    },
    {
      name: 'edges inside an hour',
      range: { from: T0 + 17 * MIN, to: T0 + 5 * HOUR + 43 * MIN },
      interval: 300,
      countSource: 'rollup_1m',
    },
    {
      name: 'edges inside a minute',
      range: { from: T0 + 17 * MIN + 30_500, to: T0 + 5 * HOUR + 43 * MIN + 15_250 },
      interval: 900,
      // Whole minutes from the per-minute rollup, the two partial ones from raw, states merged.
      countSource: 'rollup_1m+raw',
    },
    {
      name: 'too short for whole minutes to be most of it',
      range: { from: T0 + 17 * MIN + 30_500, to: T0 + 18 * MIN + 40_000 },
      interval: 60,
      countSource: 'raw',
    },
  ] as const;

  for (const { name, range, interval, countSource } of ranges) {
    it(`every measure equals hand-written SQL over raw events (${name})`, async () => {
      for (const fn of Object.keys(handMeasures) as Fn[]) {
        const query: PanelQueryInput = {
          source: { kind: 'events', eventTypes: ['purchase', 'view'] },
          measure: measureOf(fn),
          interval: interval as 300,
          range,
        };
        const routed = await runPanelQuery(target, query);
        const raw = await runPanelQuery(target, query, { forceRaw: true });
        const rollable = fn === 'count' || fn === 'unique_users';
        expect([fn, routed.source]).toEqual([fn, rollable ? countSource : 'raw']);
        expect(raw.source).toBe('raw');
        const empty = fn === 'count' || fn === 'unique_users' || fn === 'uniq' ? 0 : null;
        expectMatchesHand(routed, await hand(fn, range, interval, { types: ['purchase', 'view'] }), empty);
        expect(routed.series).toEqual(raw.series);
      }
    });
  }

  it('groups and filters on event_type and source route to the rollups and equal raw and hand-written SQL', async () => {
    for (const { range, interval, countSource } of ranges) {
      for (const fn of ['count', 'unique_users'] as const) {
        const query: PanelQueryInput = {
          source: { kind: 'events', eventTypes: [] },
          measure: { fn },
          groupBy: ['event_type', 'source'],
          filters: [{ field: 'event_type', op: 'in', values: ['purchase', 'signup'] }],
          interval: interval as 300,
          range,
        };
        const routed = await runPanelQuery(target, query);
        expect(routed.source).toBe(countSource);
        expect(routed.series.map((s) => s.key).sort()).toEqual([
          ['purchase', 'ios'],
          ['purchase', 'web'],
          ['signup', 'ios'],
          ['signup', 'web'],
        ]);
        expectMatchesHand(
          routed,
          await hand(fn, range, interval, {
            groups: ['event_type', 'source'],
            types: ['purchase', 'signup'],
          }),
          0,
        );
        expect(routed.series).toEqual((await runPanelQuery(target, query, { forceRaw: true })).series);
      }
    }
  });

  it('a data.* group-by reads raw events and keeps the top groups by number of events', async () => {
    const range = { from: T0, to: T0 + 6 * HOUR };
    const result = await runPanelQuery(target, {
      source: { kind: 'events', eventTypes: [] },
      measure: { fn: 'sum', field: 'data.amount' },
      groupBy: ['data.plan'],
      filters: [{ field: 'metadata.country', op: '=', value: 'DE' }],
      interval: 3600,
      range,
      seriesLimit: 3,
    });
    expect(result.source).toBe('raw');
    const top = await ch.query({
      query: `SELECT ifNull(data.plan::Nullable(String), '') AS k FROM ${db}.events
              WHERE metadata.country::Nullable(String) = 'DE' GROUP BY k ORDER BY count() DESC, k LIMIT 3`,
      format: 'JSONEachRow',
    });
    const topKeys = (await top.json<{ k: string }>()).map((r) => [r.k]);
    expect(result.series.map((s) => s.key).sort()).toEqual(topKeys.sort());
    const expected = await hand('sum', range, 3600, {
      groups: ["ifNull(data.plan::Nullable(String), '')"],
      extraWhere: `metadata.country::Nullable(String) = 'DE' AND ifNull(data.plan::Nullable(String), '') IN (${topKeys
        .map(([k]) => `'${k}'`)
        .join(', ')})`,
    });
    expectMatchesHand(result, expected, null);
  });

  it('raw events grouped by event_type keep the top groups in one scan, as the two-scan form does', async () => {
    const range = { from: T0, to: T0 + 6 * HOUR };
    const query: PanelQueryInput = {
      source: { kind: 'events', eventTypes: [] },
      measure: { fn: 'p95', field: 'data.amount' },
      groupBy: ['event_type'],
      interval: 3600,
      range,
      seriesLimit: 2,
    };
    const result = await runPanelQuery(target, query);
    expect(result.source).toBe('raw');
    const top = await ch.query({
      query: `SELECT toString(event_type) AS k FROM ${db}.events
              WHERE timestamp >= fromUnixTimestamp64Milli(${range.from}, 'UTC') AND timestamp < fromUnixTimestamp64Milli(${range.to}, 'UTC')
              GROUP BY k ORDER BY count() DESC, k LIMIT 2`,
      format: 'JSONEachRow',
    });
    const topKeys = (await top.json<{ k: string }>()).map((r) => [r.k]);
    expect(result.series.map((s) => s.key)).toEqual(topKeys.sort());
    const expected = await hand('p95', range, 3600, {
      groups: ['toString(event_type)'],
      extraWhere: `toString(event_type) IN (${topKeys.map(([k]) => `'${k}'`).join(', ')})`,
    });
    expectMatchesHand(result, expected, null);
  });

  it('late events (old timestamps, inserted now) land in their old buckets of the rollups', async () => {
    const range = { from: T0, to: T0 + 6 * HOUR };
    const query: PanelQueryInput = {
      source: { kind: 'events', eventTypes: [] },
      measure: { fn: 'count' },
      interval: 3600,
      range,
    };
    const before = await runPanelQuery(target, query);
    const late = events('late', 500, 11, T0 + HOUR, T0 + 2 * HOUR);
    await insertRows(ch, `${db}.events`, late, { dedupToken: 'it:late' });
    const after = await runPanelQuery(target, query);
    expect(after.source).toBe('rollup_1h');
    const total = (r: PanelResult) => r.series[0]!.points.reduce((a, p) => a + (p.v ?? 0), 0);
    expect(total(after) - total(before)).toBe(500);
    expect(after.series[0]!.points[1]!.v! - before.series[0]!.points[1]!.v!).toBe(500);
    expectMatchesHand(after, await hand('count', range, 3600), 0);
    // The per-minute rollup saw them too.
    const minutes = await runPanelQuery(target, {
      ...query,
      interval: 60,
      range: { from: T0 + HOUR, to: T0 + 2 * HOUR },
    });
    expect(minutes.source).toBe('rollup_1m');
    expect(minutes.series[0]!.points.reduce((a, p) => a + (p.v ?? 0), 0)).toBe(after.series[0]!.points[1]!.v);
  });

  it('a retried insert with the same dedup token is counted once in the rollups (the workers’ exactly-once path)', async () => {
    const range = { from: T0 + 3 * HOUR, to: T0 + 4 * HOUR };
    const query: PanelQueryInput = {
      source: { kind: 'events', eventTypes: [] },
      measure: { fn: 'unique_users' },
      groupBy: ['source'],
      interval: 3600,
      range,
    };
    const countQuery: PanelQueryInput = { ...query, measure: { fn: 'count' }, groupBy: [] };
    const before = await runPanelQuery(target, countQuery);
    const batch = events('retry', 300, 13, range.from, range.to).map((r, i) => ({
      ...r,
      user_id: `retry-user-${i % 7}`,
    }));
    await insertRows(ch, `${db}.events`, batch, { dedupToken: 'it:retry:0-299' });
    await insertRows(ch, `${db}.events`, batch, { dedupToken: 'it:retry:0-299' });
    const after = await runPanelQuery(target, countQuery);
    expect(after.source).toBe('rollup_1h');
    expect(after.series[0]!.points[0]!.v! - before.series[0]!.points[0]!.v!).toBe(300);
    expectMatchesHand(after, await hand('count', range, 3600), 0);
    const minutes = await runPanelQuery(target, { ...countQuery, interval: 60 });
    expect(minutes.source).toBe('rollup_1m');
    expectMatchesHand(minutes, await hand('count', range, 60), 0);
    const users = await runPanelQuery(target, query);
    expect(users.source).toBe('rollup_1h');
    expectMatchesHand(users, await hand('unique_users', range, 3600, { groups: ['source'] }), 0);
  });

  it('reads far fewer rows from a rollup than from raw events', async () => {
    const query: PanelQueryInput = {
      source: { kind: 'events', eventTypes: [] },
      measure: { fn: 'count' },
      groupBy: ['event_type'],
      interval: 3600,
      range: { from: T0, to: T0 + 6 * HOUR },
    };
    // NOTE: the embedded server's X-ClickHouse-Summary read_rows is the result's row count, so
    // what each source reads is taken from the engine's own estimate (rows of the granules it
    // selects after partition and index pruning) for the very SQL runPanelQuery sends.
    const estimate = async (plan: { sql: string; params: Record<string, unknown> }) => {
      const rs = await ch.query({
        query: `EXPLAIN ESTIMATE ${plan.sql}`,
        query_params: plan.params,
        format: 'JSONEachRow',
      });
      return (await rs.json<{ rows: number }>()).reduce((n, r) => n + Number(r.rows), 0);
    };
    const hourlyPlan = planPanelQuery(query, { database: db });
    const minutelyPlan = planPanelQuery({ ...query, interval: 300 }, { database: db });
    const rawPlan = planPanelQuery(query, { database: db, forceRaw: true });
    expect([hourlyPlan.source, minutelyPlan.source, rawPlan.source]).toEqual([
      'rollup_1h',
      'rollup_1m',
      'raw',
    ]);
    const rows = {
      rollup_1h: await estimate(hourlyPlan),
      rollup_1m: await estimate(minutelyPlan),
      raw: await estimate(rawPlan),
    };
    expect(rows.rollup_1h).toBeGreaterThan(0);
    expect(rows.rollup_1h).toBeLessThan(rows.rollup_1m);
    expect(rows.rollup_1m).toBeLessThan(rows.raw);
    const hourly = await runPanelQuery(target, query);
    expect(hourly.series).toEqual((await runPanelQuery(target, query, { forceRaw: true })).series);
    expect(hourly.stats.rowsRead).toBeGreaterThan(0);
    // Figures for docs/decisions/rollup-routing.md.
    console.info('rows to read (count by event_type, 6 h, EXPLAIN ESTIMATE)', rows);
  });

  it('reads numbers out of JSON: numeric text counts, other text and missing values do not', async () => {
    const at = T0 + 10 * HOUR;
    const base = events('odd', 4, 17, at, at + MIN).map((r) => ({ ...r, event_type: 'odd' }));
    const amounts: unknown[] = [12.5, '7', 'abc', undefined];
    const rows = base.map((r, i) => ({ ...r, data: amounts[i] === undefined ? {} : { amount: amounts[i] } }));
    await insertRows(ch, `${db}.events`, rows, { dedupToken: 'it:odd' });
    const q = (fn: 'sum' | 'min' | 'max' | 'avg') =>
      runPanelQuery(target, {
        source: { kind: 'events', eventTypes: ['odd'] },
        measure: { fn, field: 'data.amount' },
        interval: 3600,
        range: { from: at, to: at + HOUR },
      });
    expect((await q('sum')).series[0]!.points[0]!.v).toBe(19.5);
    expect((await q('min')).series[0]!.points[0]!.v).toBe(7);
    expect((await q('max')).series[0]!.points[0]!.v).toBe(12.5);
    expect((await q('avg')).series[0]!.points[0]!.v).toBe(9.75);
  });

  it('applies the per-query row limit and stops on an aborted signal', async () => {
    const query: PanelQueryInput = {
      source: { kind: 'events', eventTypes: [] },
      measure: { fn: 'p95', field: 'data.amount' },
      interval: 3600,
      range: { from: T0, to: T0 + 6 * HOUR },
    };
    await expect(runPanelQuery(target, query, { maxRowsToRead: 100 })).rejects.toThrow(
      /TOO_MANY_ROWS|Limit for rows/,
    );
    const before = new AbortController();
    before.abort();
    await expect(runPanelQuery(target, query, { signal: before.signal })).rejects.toThrow(/abort/i);
    // Aborted in the same tick as the call, after runPanelQuery's own check: no response can
    // have arrived yet, so only the client's abort_signal listener can reject this.
    const during = new AbortController();
    const running = runPanelQuery(target, query, { signal: during.signal });
    during.abort();
    await expect(running).rejects.toThrow(/abort/i);
  });

  it('migration 0009 fills the rollups with the events stored before it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-rollups-'));
    const before = `${iso.clickhouseDatabase}_pre0009`;
    try {
      const versionOf = (f: string) => Number(/(\d{4})_[a-z0-9_]+\.sql$/.exec(f)?.[1] ?? 0);
      cpSync(defaultMigrationsDir(), join(dir, 'm'), { recursive: true, filter: (f) => versionOf(f) < 9 });
      await migrate({ client: ch, database: before, migrationsDir: join(dir, 'm') });
      await insertRows(ch, `${before}.events`, events('pre', 400, 19, T0, T0 + 2 * HOUR));
      const result = await migrate({ client: ch, database: before });
      expect(result.applied).toEqual(['0009_rollups.sql']);
      const old = { client: ch, database: before };
      const query: PanelQueryInput = {
        source: { kind: 'events', eventTypes: [] },
        measure: { fn: 'unique_users' },
        groupBy: ['event_type'],
        interval: 3600,
        range: { from: T0, to: T0 + 2 * HOUR },
      };
      const routed = await runPanelQuery(old, query);
      expect(routed.source).toBe('rollup_1h');
      expect(routed.series).toEqual((await runPanelQuery(old, query, { forceRaw: true })).series);
      const count = await runPanelQuery(old, {
        ...query,
        measure: { fn: 'count' },
        groupBy: [],
        interval: 60,
      });
      expect(count.source).toBe('rollup_1m');
      expect(count.series[0]!.points.reduce((n, p) => n + (p.v ?? 0), 0)).toBe(400);
    } finally {
      await ch.command({ query: `DROP DATABASE IF EXISTS ${before}` });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
