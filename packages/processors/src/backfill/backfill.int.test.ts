import { createClickHouse, insertRows, toDateTime64, type ClickHouseClient } from '@tributary/clickhouse';
import { processorDefinitionSchema } from '@tributary/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isolate, type Isolated } from '../../../../scripts/test-infra/fixtures.ts';
import { ensureProcessorTables } from '../tables/ensure-tables.ts';
import { insertProcessorOutput } from '../tables/insert-output.ts';
import { readAggregate, type AggregateRow } from '../tables/read-aggregate.ts';
import { planBackfill, runBackfill, type BackfillJob, type BackfillState } from './run-backfill.ts';

// A backfill re-runs a processor version over events already stored: run, stopped, resumed
// from a state older than what it wrote (a crash between insert and record), finished, then
// started again twice; every time the result equals a GROUP BY over the same events.

const T0 = Date.parse('2026-05-01T00:00:00.000Z');
const EVENTS = 20_000;
const FROM = new Date(T0 + 5 * 60_000);
const TO = new Date(T0 + 35 * 60_000);

const definition = processorDefinitionSchema.parse({
  inputs: { eventTypes: ['order'] },
  steps: [
    { id: 'not_test', kind: 'filter', expression: "data.country != 'XX'" },
    {
      id: 'per_minute',
      kind: 'aggregate',
      window: { type: 'tumbling', sizeSeconds: 60 },
      // No grace at all: a backfill still counts every event of its range.
      graceSeconds: 0,
      groupBy: [{ name: 'country', field: 'data.country' }],
      measures: [
        { name: 'orders', fn: 'count' },
        { name: 'buyers', fn: 'uniq', field: 'user_id' },
        { name: 'revenue', fn: 'sum', field: 'data.amount' },
        { name: 'median', fn: 'quantiles', field: 'data.amount', levels: [0.5] },
      ],
    },
  ],
  output: { kind: 'aggregate', table: 'orders_per_minute' },
});

function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('backfill', () => {
  let iso: Isolated;
  let ch: ClickHouseClient;
  let target: { client: ClickHouseClient; database: string };
  const job: BackfillJob = {
    processor: 'orders',
    version: 3,
    from: FROM,
    to: TO,
    definition,
    chunkSize: 1_000,
  };
  const compileContext = {};

  beforeAll(async () => {
    iso = await isolate();
    ch = createClickHouse({ url: iso.clickhouseUrl, requestTimeoutMs: 120_000 });
    target = { client: ch, database: iso.clickhouseDatabase };
    const rnd = prng(3);
    const countries = ['DE', 'FR', 'US', 'XX'];
    const rows = Array.from({ length: EVENTS }, (_, i) => {
      const at = toDateTime64(T0 + Math.floor(rnd() * 40 * 60_000));
      return {
        event_id: `e${i}`,
        event_type: rnd() < 0.8 ? 'order' : 'view',
        timestamp: at,
        user_id: `u${Math.floor(rnd() * 700)}`,
        data: {
          country: countries[Math.floor(rnd() * countries.length)],
          amount: Math.round(rnd() * 50_000) / 100 + 0.01,
        },
        metadata: {},
        source: rnd() < 0.5 ? 'web' : 'app',
        schema_version: null,
        received_at: at,
        processed_at: at,
      };
    });
    await insertRows(ch, `${iso.clickhouseDatabase}.events`, rows);
    // A copy of some events not folded yet by the ReplacingMergeTree: read once all the same.
    await insertRows(ch, `${iso.clickhouseDatabase}.events`, rows.slice(0, 500));
    await ensureProcessorTables(target, 'orders', definition);
  });

  afterAll(async () => {
    await ch?.close();
    await iso?.cleanup();
  });

  async function reference(): Promise<AggregateRow[]> {
    const amount = "CAST(data.amount, 'Float64')";
    const result = await ch.query({
      query: `SELECT intDiv(toUnixTimestamp64Milli(timestamp), 60000) * 60000 AS ws, CAST(data.country, 'String') AS country,
          count() AS orders, uniqExact(user_id) AS buyers,
          toString(sum(accurateCastOrNull(${amount}, 'Decimal(38, 9)'))) AS revenue, quantilesExact(0.5)(${amount}) AS median
        FROM (SELECT * FROM ${iso.clickhouseDatabase}.events FINAL)
        WHERE event_type = 'order' AND country != 'XX'
          AND timestamp >= {from:DateTime64(3, 'UTC')} AND timestamp < {to:DateTime64(3, 'UTC')}
        GROUP BY ws, country ORDER BY ws, country`,
      query_params: { from: toDateTime64(FROM), to: toDateTime64(TO) },
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    const rows = z
      .array(
        z.object({
          ws: z.number(),
          country: z.string(),
          orders: z.number(),
          buyers: z.number(),
          revenue: z.string(),
          median: z.array(z.number()),
        }),
      )
      .parse(await result.json());
    return rows.map((r) => ({
      windowStart: r.ws,
      windowEnd: r.ws + 60_000,
      groups: { country: r.country },
      values: { orders: r.orders, buyers: r.buyers, revenue: Number(r.revenue), median: r.median },
    }));
  }

  const read = (run: string) =>
    readAggregate(target, 'orders_per_minute', { from: T0 - 3_600_000, to: T0 + 3_600_000, run });

  it('is stoppable, resumable, exactly once, and equals a GROUP BY over the stored events', async () => {
    // Live processing already wrote to some of these windows: the backfill leaves them alone.
    await insertProcessorOutput(target, {
      processor: 'orders',
      version: 2,
      definition,
      contributions: [
        {
          eventIndex: 0,
          windowStart: FROM.getTime(),
          windowEnd: FROM.getTime() + 60_000,
          groups: { country: 'DE' },
          values: { orders: 1, buyers: 'u1', revenue: 5, median: 5 },
        },
      ],
      token: 'orders:2:events:0:0-0',
    });
    const live = await read('');

    const planned = await planBackfill(target, job);
    const expected = await reference();
    const inRange = expected.reduce((n, r) => n + (r.values.orders as number), 0);
    expect(planned.total).toBeGreaterThan(inRange); // 'XX' orders are read, then filtered out
    expect(planned.status).toBe('pending');

    const states: BackfillState[] = [];
    const stop = new AbortController();
    const stopped = await runBackfill(target, job, planned, {
      compileContext,
      signal: stop.signal,
      onProgress: (s) => {
        states.push(s);
        if (s.chunksDone === 5) stop.abort();
      },
    });
    expect(stopped).toMatchObject({ status: 'stopped', chunksDone: 5, rowsDone: 5_000 });

    // Resume from the state after chunk 3, as if the records of chunks 4 and 5 were lost after
    // their inserts: they are written again under the same tokens, and dropped.
    const third = states.find((s) => s.chunksDone === 3)!;
    const started = performance.now();
    const finished = await runBackfill(target, job, third, {
      compileContext,
      onProgress: (s) => void states.push(s),
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `[backfill] ${finished.rowsDone - third.rowsDone} events in ${seconds.toFixed(2)} s = ` +
        `${Math.round((finished.rowsDone - third.rowsDone) / seconds)} events/s (chunks of ${job.chunkSize})`,
    );
    expect(finished).toMatchObject({ status: 'finished', rowsDone: planned.total, total: planned.total });
    expect(finished.kept).toBe(inRange);
    expect(finished.kept + finished.dropped + finished.deadLettered).toBe(planned.total);
    for (const [i, s] of states.entries()) {
      expect(s.rowsDone).toBeLessThanOrEqual(planned.total);
      if (i > 0 && s.chunksDone > states[i - 1]!.chunksDone)
        expect(s.rowsDone).toBeGreaterThan(states[i - 1]!.rowsDone);
    }

    expect(await read(finished.run)).toEqual(expected);
    expect(await read('')).toEqual(live);

    // Started again: the finished record makes it a no-op; with the record lost, the same
    // chunks come back with the same tokens and change nothing either.
    expect(await runBackfill(target, job, finished, { compileContext })).toEqual(finished);
    const again = await runBackfill(target, job, await planBackfill(target, job), { compileContext });
    expect(again).toMatchObject({ status: 'finished', rowsDone: planned.total, run: finished.run });
    expect(await read(finished.run)).toEqual(expected);
    await ch.command({ query: `OPTIMIZE TABLE ${iso.clickhouseDatabase}.proc_orders_per_minute FINAL` });
    expect(await read(finished.run)).toEqual(expected);
    expect(await read('')).toEqual(live);
  });

  it('refuses a processor writing to the events table, and an empty range', async () => {
    const onEvents = processorDefinitionSchema.parse({
      inputs: {},
      steps: [{ id: 'f', kind: 'filter', expression: 'true' }],
      output: { kind: 'events' },
    });
    await expect(planBackfill(target, { ...job, definition: onEvents })).rejects.toThrow(
      /rewrite the table it reads/,
    );
    await expect(planBackfill(target, { ...job, to: FROM })).rejects.toThrow(/range is empty/);
  });
});
