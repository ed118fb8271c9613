import { createClickHouse, insertRows, toDateTime64, type ClickHouseClient } from '@tributary/clickhouse';
import { processorDefinitionSchema, type ProcessorDefinition } from '@tributary/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isolate, type Isolated } from '../../../../scripts/test-infra/fixtures.ts';
import { ensureProcessorTables } from './ensure-tables.ts';
import { insertProcessorOutput } from './insert-output.ts';
import type { AggregateContribution } from './output-rows.ts';
import { readAggregate, type AggregateRow } from './read-aggregate.ts';

// 100k synthetic events are cut into batches of mixed sizes under 11 processor versions (some
// batches inserted twice, some again much later, with the same token), and what the aggregate
// table reads must equal a GROUP BY that ClickHouse computes over the same events kept in a
// plain table, exactly.

const EVENTS = 100_000;
const WINDOW_MS = 60_000;
const BASE = Date.parse('2026-03-01T00:00:00.000Z');
const LEVELS = [0.5, 0.9, 0.99];
const DEC = "accurateCastOrNull(amount, 'Decimal(38, 9)')";

const definition: ProcessorDefinition = processorDefinitionSchema.parse({
  inputs: {},
  steps: [
    {
      id: 'by_country',
      kind: 'aggregate',
      window: { type: 'tumbling', sizeSeconds: 60 },
      graceSeconds: 3600,
      groupBy: [
        { name: 'country', field: 'derived.geo.country' },
        { name: 'plan', field: 'data.plan' },
      ],
      measures: [
        { name: 'events', fn: 'count' },
        { name: 'users', fn: 'uniq', field: 'user_id' },
        { name: 'amount_sum', fn: 'sum', field: 'data.amount' },
        { name: 'amount_min', fn: 'min', field: 'data.amount' },
        { name: 'amount_max', fn: 'max', field: 'data.amount' },
        { name: 'amount_avg', fn: 'avg', field: 'data.amount' },
        { name: 'amount_q', fn: 'quantiles', field: 'data.amount', levels: LEVELS },
      ],
    },
  ],
  output: { kind: 'aggregate', table: 'orders_by_country' },
});

/** A small deterministic PRNG (mulberry32): the same events on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Synthetic {
  t: number;
  country: string;
  plan: string;
  user: string | null;
  amount: number | null;
}

function synthesize(): Synthetic[] {
  const rnd = prng(42);
  const countries = ['DE', 'FR', 'US', 'BR', 'JP', ''];
  const plans = ['free', 'pro', 'team'];
  const out: Synthetic[] = [];
  for (let i = 0; i < EVENTS; i++) {
    // Roughly in time order with up to 5 minutes of disorder, over about 2 hours.
    const t = BASE + Math.floor((i / EVENTS) * 7_200_000 + rnd() * 300_000);
    const r = rnd();
    out.push({
      t,
      country: countries[Math.floor(rnd() * countries.length)]!,
      plan: plans[Math.floor(rnd() * plans.length)]!,
      user: r < 0.03 ? null : `u${Math.floor(rnd() * 5000)}`,
      // Two decimals (prices), some negative (refunds), some absent.
      amount: r > 0.95 ? null : Math.round((rnd() * 2000 - 200) * 100) / 100,
    });
  }
  return out;
}

function contributionOf(e: Synthetic, eventIndex: number): AggregateContribution {
  const windowStart = Math.floor(e.t / WINDOW_MS) * WINDOW_MS;
  return {
    eventIndex,
    windowStart,
    windowEnd: windowStart + WINDOW_MS,
    groups: { country: e.country, plan: e.plan },
    values: {
      events: 1,
      users: e.user,
      amount_sum: e.amount,
      amount_min: e.amount,
      amount_max: e.amount,
      amount_avg: e.amount,
      amount_q: e.amount,
    },
  };
}

describe('aggregate output exactness', () => {
  let iso: Isolated;
  let ch: ClickHouseClient;
  let target: { client: ClickHouseClient; database: string };
  const events = synthesize();

  beforeAll(async () => {
    iso = await isolate();
    ch = createClickHouse({ url: iso.clickhouseUrl, requestTimeoutMs: 120_000 });
    target = { client: ch, database: iso.clickhouseDatabase };
    await ensureProcessorTables(target, 'orders', definition);
    await ch.command({
      query: `CREATE TABLE ${iso.clickhouseDatabase}.raw_orders
        (ts DateTime64(3, 'UTC'), country String, plan String, user Nullable(String), amount Nullable(Float64))
        ENGINE = MergeTree ORDER BY ts`,
    });
    await insertRows(
      ch,
      `${iso.clickhouseDatabase}.raw_orders`,
      events.map((e) => ({
        ts: toDateTime64(e.t),
        country: e.country,
        plan: e.plan,
        user: e.user,
        amount: e.amount,
      })),
    );
  });

  afterAll(async () => {
    await ch?.close();
    await iso?.cleanup();
  });

  async function reference(): Promise<AggregateRow[]> {
    const result = await ch.query({
      query: `SELECT intDiv(toUnixTimestamp64Milli(ts), 60000) * 60000 AS ws, country, plan,
          count() AS events, uniqExact(user) AS users, toString(sum(${DEC})) AS amount_sum,
          min(amount) AS amount_min, max(amount) AS amount_max, avg(${DEC}) AS amount_avg,
          quantilesExact(${LEVELS.join(', ')})(amount) AS amount_q
        FROM ${iso.clickhouseDatabase}.raw_orders
        GROUP BY ws, country, plan ORDER BY ws, country, plan`,
      format: 'JSONEachRow',
      clickhouse_settings: {
        output_format_json_quote_64bit_integers: 0,
        output_format_json_quote_denormals: 0,
      },
    });
    const rows = z
      .array(
        z.object({
          ws: z.number(),
          country: z.string(),
          plan: z.string(),
          events: z.number(),
          users: z.number(),
          amount_sum: z.string().nullable(),
          amount_min: z.number().nullable(),
          amount_max: z.number().nullable(),
          amount_avg: z.number().nullable(),
          amount_q: z.array(z.number().nullable()),
        }),
      )
      .parse(await result.json());
    return rows.map((r) => ({
      windowStart: r.ws,
      windowEnd: r.ws + WINDOW_MS,
      groups: { country: r.country, plan: r.plan },
      values: {
        events: r.events,
        users: r.users,
        amount_sum: r.amount_sum === null ? null : Number(r.amount_sum),
        amount_min: r.amount_min,
        amount_max: r.amount_max,
        amount_avg: r.amount_avg,
        amount_q: r.amount_q,
      },
    }));
  }

  /** Rows of the reference GROUP BY that the merged states do not reproduce, compared as text in ClickHouse. */
  async function differingRows(): Promise<number> {
    const db = iso.clickhouseDatabase;
    const result = await ch.query({
      query: `SELECT count() AS n FROM (
          SELECT intDiv(toUnixTimestamp64Milli(ts), 60000) * 60000 AS ws, country, plan, count(), uniqExact(user),
            toString(sum(${DEC})), min(amount), max(amount), avg(${DEC}), quantilesExact(${LEVELS.join(', ')})(amount)
          FROM ${db}.raw_orders GROUP BY ws, country, plan
          EXCEPT
          SELECT toUnixTimestamp64Milli(window_start), country, plan, countMerge(events), uniqExactMerge(users), toString(sumMerge(amount_sum)),
            minMerge(amount_min), maxMerge(amount_max), avgMerge(amount_avg), quantilesExactMerge(${LEVELS.join(', ')})(amount_q)
          FROM ${db}.proc_orders_by_country WHERE run = '' GROUP BY window_start, country, plan)`,
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    return z.array(z.object({ n: z.number() })).parse(await result.json())[0]!.n;
  }

  it('equals a GROUP BY over the raw events, exactly, whatever the batches and redeliveries', async () => {
    const rnd = prng(7);
    const sizes = [1, 3, 20, 100, 400, 1000, 2500];
    const batches: Array<{ version: number; token: string; contributions: AggregateContribution[] }> = [];
    for (let first = 0; first < events.length; ) {
      const size = sizes[Math.floor(rnd() * sizes.length)]!;
      const last = Math.min(events.length, first + size) - 1;
      const contributions = events.slice(first, last + 1).map((e, i) => contributionOf(e, i));
      // Ten version switches during the load, at batch boundaries (as the workers switch).
      const version = 1 + Math.floor((first / events.length) * 11);
      batches.push({ version, token: `orders:${version}:events:0:${first}-${last}`, contributions });
      first = last + 1;
    }
    const perVersion = new Map<number, number>();
    for (const b of batches)
      perVersion.set(b.version, (perVersion.get(b.version) ?? 0) + b.contributions.length);
    expect(perVersion.size).toBe(11);
    const started = performance.now();
    let inserts = 0;
    let contributionsSent = 0;
    const insert = async (b: (typeof batches)[number]) => {
      await insertProcessorOutput(target, {
        processor: 'orders',
        version: b.version,
        definition,
        contributions: b.contributions,
        token: b.token,
      });
      inserts++;
      contributionsSent += b.contributions.length;
    };
    let redelivered = 0;
    for (const [i, b] of batches.entries()) {
      await insert(b);
      // A retry straight after (the worker lost the answer), and a redelivery much later (a
      // rebalance replayed the partition from an older offset).
      if (rnd() < 0.1) {
        await insert(b);
        redelivered++;
      }
      if (i > 20 && rnd() < 0.05) {
        await insert(batches[i - 20]!);
        redelivered++;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `[exactness] ${batches.length} batches (${redelivered} redelivered), ${inserts} inserts, ` +
        `${contributionsSent} contributions in ${seconds.toFixed(2)} s = ` +
        `${Math.round(contributionsSent / seconds)} contributions/s`,
    );

    const expected = await reference();
    const range = { from: BASE - 3_600_000, to: BASE + 4 * 3_600_000 };
    const readStarted = performance.now();
    const got = await readAggregate(target, 'orders_by_country', range);
    console.log(
      `[exactness] readAggregate: ${got.length} rows in ${(performance.now() - readStarted).toFixed(0)} ms`,
    );
    expect(got.reduce((n, r) => n + (r.values.events as number), 0)).toBe(EVENTS);
    expect(got).toEqual(expected);
    expect(await differingRows()).toBe(0);

    // Each version holds exactly the events of its batches: none counted by two, none lost.
    for (const [version, n] of perVersion) {
      const rows = await readAggregate(target, 'orders_by_country', { ...range, versions: [version] });
      expect(rows.reduce((sum, r) => sum + (r.values.events as number), 0)).toBe(n);
    }

    // Merging every part changes nothing either.
    await ch.command({ query: `OPTIMIZE TABLE ${iso.clickhouseDatabase}.proc_orders_by_country FINAL` });
    expect(await readAggregate(target, 'orders_by_country', range)).toEqual(expected);
    expect(await differingRows()).toBe(0);

    // For the record: what a Float64 sum would have done. The same values summed in batch
    // order and in time order differ in the last bits, which is why sums fold decimals.
    const inOrder = events.reduce((s, e) => s + (e.amount ?? 0), 0);
    const sorted = [...events].sort((a, b) => a.t - b.t).reduce((s, e) => s + (e.amount ?? 0), 0);
    console.log(
      `[exactness] Float64 sum in two orders: ${inOrder} vs ${sorted} (equal: ${inOrder === sorted})`,
    );
  });
});
