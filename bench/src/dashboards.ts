import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { runPanelQuery, singleFlight } from '@tributary/analytics';
import { createClickHouse, type ClickHouseClient } from '@tributary/clickhouse';
import type { PanelQueryInput } from '@tributary/contracts';
import { Redis } from 'ioredis';

/**
 * `npm run bench -- dashboards`: panel queries over a large synthetic events table.
 * 1. The loader: `INSERT … SELECT … FROM numbers(offset, 10M)` chunks in the engine (the
 *    rollups' materialized views run on every block, as they do for the workers' inserts); its
 *    time, and the embedded server's peak RSS, are printed; then it waits for the background
 *    merges the load started to finish (they would otherwise share the 2 cores with the queries).
 * 2. Panel latency from the hourly rollup vs the raw table for the same question (count per
 *    event type over 24 whole hours, and the same over a range whose edges are mid-minute, which
 *    must read raw), p50/p95 of 20 runs each, side by side, and the ratio.
 * 3. 50 simulated viewers refreshing every 5 s for 30 s on 4 panels through the same Redis
 *    single-flight the console uses: the embedded server's own request counter says how many
 *    ClickHouse queries that caused, against the ceiling of one per panel per interval.
 * N = 100,000,000 × BENCH_SCALE.
 */
export interface DashboardsBenchOptions {
  clickhouseUrl: string;
  /** The admin login of the embedded server (it runs with users). */
  clickhouseAuth: { username?: string; password?: string };
  database: string;
  redisUrl: string;
  redisPrefix: string;
  scale: number;
  /** The embedded server's pid: its RSS (VmRSS) is sampled during the run and the peak printed. */
  clickhousePid?: number;
  log: (m: string) => void;
}

const TYPES = ['page_view', 'user_signup', 'purchase', 'add_to_cart', 'search', 'login', 'logout', 'share'];
const HOUR = 3600_000;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** The process's resident memory (kernel's VmRSS), bytes; NaN when unreadable. */
function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Samples a process's RSS every 500 ms; `peak()` is the highest seen since the last `reset()`. */
export function rssSampler(pid: number | undefined) {
  let peak = 0;
  const sample = () => {
    if (pid !== undefined) peak = Math.max(peak, rssBytes(pid) || 0);
  };
  const timer = setInterval(sample, 500);
  timer.unref();
  return {
    peak: () => (sample(), peak),
    reset: () => {
      peak = 0;
    },
    stop: () => clearInterval(timer),
    known: pid !== undefined,
  };
}

export const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

/** Rows per loader INSERT: bounded work per statement, progress printed between them. */
const LOAD_CHUNK = 10_000_000;

/**
 * Loads `n` synthetic events into `events` (rollups fed by their views): 8 types, 3 sources,
 * 100k users, spread over the 7 days before `end` (an hour boundary), data.amount 0–99. Chunks of
 * 10M rows, each one INSERT … SELECT in the engine with both cores inserting. Returns seconds.
 */
export async function loadSyntheticEvents(
  client: ClickHouseClient,
  db: string,
  n: number,
  end: number,
  log: (m: string) => void,
  /** SQL for inserted_at over `timestamp` and `number` (default: the insert's own time). */
  opts: { insertedAt?: string } = {},
): Promise<number> {
  const spanSeconds = 7 * 24 * 3600;
  const t0 = performance.now();
  for (let offset = 0; offset < n; offset += LOAD_CHUNK) {
    const count = Math.min(LOAD_CHUNK, n - offset);
    await client.command({
      query: `INSERT INTO ${db}.events (event_id, event_type, timestamp, user_id, data, metadata, source, schema_version, received_at, processed_at${opts.insertedAt ? ', inserted_at' : ''})
        SELECT
          toString(number) AS event_id,
          arrayElement([${TYPES.map((t) => `'${t}'`).join(',')}], (number % ${TYPES.length}) + 1) AS event_type,
          fromUnixTimestamp64Milli(toInt64(${end} - 1000 * ((number * 7919) % ${spanSeconds}))) AS timestamp,
          concat('u', toString(number % 100000)) AS user_id,
          concat('{"amount": ', toString(number % 100), '}') AS data,
          '{}' AS metadata,
          arrayElement(['web', 'ios', 'android'], (number % 3) + 1) AS source,
          1 AS schema_version,
          timestamp AS received_at,
          timestamp AS processed_at${
            opts.insertedAt
              ? `,
          ${opts.insertedAt} AS inserted_at`
              : ''
          }
        FROM numbers(${offset}, ${count})`,
      clickhouse_settings: {
        max_execution_time: 0,
        max_insert_block_size: '1000000',
        min_insert_block_size_rows: '1000000',
        // NOTE: two insert streams (2 cores); each block still runs both rollup views.
        max_insert_threads: '2',
      },
    });
    if (n > LOAD_CHUNK) {
      const s = (performance.now() - t0) / 1000;
      log(
        `dashboards: ${(offset + count).toLocaleString('en-US')} of ${n.toLocaleString('en-US')} loaded (${s.toFixed(0)} s)`,
      );
    }
  }
  return (performance.now() - t0) / 1000;
}

/** Waits until no merge runs on `db`'s tables (checked twice, 2 s apart), at most `capMs`. */
export async function waitForMerges(
  client: ClickHouseClient,
  db: string,
  capMs: number,
): Promise<{ s: number; settled: boolean }> {
  const t0 = performance.now();
  let quiet = 0;
  while (performance.now() - t0 < capMs) {
    const r = await client.query({
      query: `SELECT count() AS n FROM system.merges WHERE database = {db:String}`,
      query_params: { db },
      format: 'JSONEachRow',
    });
    const [row] = (await r.json()) as { n: number | string }[];
    quiet = Number(row?.n ?? 0) === 0 ? quiet + 1 : 0;
    if (quiet >= 2) return { s: (performance.now() - t0) / 1000, settled: true };
    await new Promise((res) => setTimeout(res, 2000));
  }
  return { s: (performance.now() - t0) / 1000, settled: false };
}

async function requestsServed(clickhouseUrl: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', clickhouseUrl))).text();
  const line = text.split('\n').find((l) => l.startsWith('tributary_clickhouse_requests_total '));
  return Number(line?.split(' ')[1] ?? NaN);
}

export async function runDashboardsBench(opts: DashboardsBenchOptions): Promise<void> {
  const n = Math.max(10_000, Math.round(100_000_000 * opts.scale));
  const client = createClickHouse({
    url: opts.clickhouseUrl,
    ...opts.clickhouseAuth,
    requestTimeoutMs: 3_600_000,
  });
  const db = opts.database;
  const target = { client, database: db };
  const rss = rssSampler(opts.clickhousePid);
  // Events spread over the 7 days before the current hour, 8 types, 3 sources, 100k users.
  const end = Math.floor(Date.now() / HOUR) * HOUR;
  opts.log(`dashboards: loading ${n.toLocaleString('en-US')} synthetic events…`);
  const loadS = await loadSyntheticEvents(client, db, n, end, opts.log);
  const loadPeak = rss.peak();
  opts.log(
    `dashboards: loaded in ${loadS.toFixed(0)} s (${Math.round(n / loadS).toLocaleString('en-US')} events/s, rollups included)` +
      (rss.known ? `; embedded ClickHouse peak RSS ${gib(loadPeak)}` : ''),
  );
  const merges = await waitForMerges(client, db, 20 * 60_000);
  const parts = await (
    await client.query({
      query: `SELECT table, count() AS parts, sum(rows) AS rows, sum(bytes_on_disk) AS bytes FROM system.parts
        WHERE database = {db:String} AND active AND table IN ('events', 'rollup_events_1m', 'rollup_events_1h') GROUP BY table ORDER BY table`,
      query_params: { db },
      format: 'JSONEachRow',
    })
  ).json<{ table: string; parts: number | string; rows: number | string; bytes: number | string }>();
  opts.log(
    `dashboards: background merges ${merges.settled ? 'done' : 'still running'} after ${merges.s.toFixed(0)} s; ` +
      parts
        .map(
          (p) =>
            `${p.table} ${p.parts} parts, ${Number(p.rows).toLocaleString('en-US')} rows, ${gib(Number(p.bytes))}`,
        )
        .join('; '),
  );
  rss.reset();

  const aligned: PanelQueryInput = {
    source: { kind: 'events' },
    measure: { fn: 'count' },
    groupBy: ['event_type'],
    interval: 3600,
    range: { from: end - 24 * HOUR, to: end },
  };
  const ragged: PanelQueryInput = { ...aligned, range: { from: end - 24 * HOUR + 30_500, to: end - 29_500 } };
  // Raw by nature: a numeric measure (one scan), and a data.* group-by (two scans: rank, then series).
  const p95ByType: PanelQueryInput = { ...aligned, measure: { fn: 'p95', field: 'data.amount' } };
  const byAmount: PanelQueryInput = { ...aligned, groupBy: ['data.amount'] };
  const timings: Array<{ name: string; source: string; p50: number; p95: number }> = [];
  for (const [name, q, forceRaw] of [
    ['24 h by type, whole hours', aligned, false],
    ['24 h by type, whole hours, forced raw', aligned, true],
    ['24 h by type, edges mid-minute', ragged, false],
    ['24 h p95 of data.amount by type', p95ByType, false],
    ['24 h count by data.amount (top 20)', byAmount, false],
  ] as const) {
    const ms: number[] = [];
    let source = '';
    for (let i = 0; i < 20; i++) {
      const s = performance.now();
      const r = await runPanelQuery(target, q, {
        forceRaw,
        maxExecutionSeconds: 600,
        maxRowsToRead: 10_000_000_000,
      });
      ms.push(performance.now() - s);
      source = r.source;
    }
    ms.sort((a, b) => a - b);
    timings.push({ name, source, p50: quantile(ms, 0.5), p95: quantile(ms, 0.95) });
  }
  console.log(`\ndashboards: panel latency over ${n.toLocaleString('en-US')} events (20 runs each)`);
  console.log('| panel query | read from | p50 ms | p95 ms |');
  console.log('|---|---|---:|---:|');
  for (const t of timings)
    console.log(`| ${t.name} | ${t.source} | ${t.p50.toFixed(0)} | ${t.p95.toFixed(0)} |`);
  const rollup = timings[0]!;
  const raw = timings[1]!;
  console.log(`rollup p95 / raw p95 = ${(rollup.p95 / raw.p95).toFixed(3)}`);
  console.log(
    `raw p95 ${raw.p95 <= 1500 ? 'within' : 'over'} the 1.5 s panel target (${raw.p95.toFixed(0)} ms)`,
  );
  const worst = Math.max(...timings.slice(3).map((t) => t.p95));
  console.log(
    `raw-only panels: slowest p95 ${worst.toFixed(0)} ms, ${worst <= 1500 ? 'within' : 'over'} the 1.5 s target`,
  );

  // 50 viewers × 4 panels, refreshing every 5 s for 30 s.
  const redis = new Redis(opts.redisUrl);
  const panels: PanelQueryInput[] = [
    aligned,
    { ...aligned, groupBy: ['source'] },
    { ...aligned, measure: { fn: 'unique_users' }, groupBy: [] },
    { ...aligned, interval: 60, range: { from: end - HOUR, to: end } },
  ];
  const intervalMs = 5000;
  const rounds = 6;
  const before = await requestsServed(opts.clickhouseUrl);
  let computed = 0;
  for (let round = 0; round < rounds; round++) {
    const started = Date.now();
    const bucket = Math.floor(started / intervalMs);
    await Promise.all(
      Array.from({ length: 50 }, (_, viewer) =>
        (async () => {
          // Viewers do not refresh in step: each starts somewhere in the first second.
          await new Promise((r) => setTimeout(r, (viewer * 20) % 1000));
          await Promise.all(
            panels.map(async (q, p) => {
              const r = await singleFlight(
                { redis, prefix: opts.redisPrefix },
                `bench:${p}:${bucket}`,
                () => runPanelQuery(target, q, { maxExecutionSeconds: 600, maxRowsToRead: 10_000_000_000 }),
                { ttlMs: intervalMs },
              );
              if (r.from === 'computed') computed++;
            }),
          );
        })(),
      ),
    );
    await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (Date.now() - started))));
  }
  const queries = (await requestsServed(opts.clickhouseUrl)) - before;
  redis.disconnect();
  console.log(`\ndashboards: 50 viewers × ${panels.length} panels, refresh every 5 s, ${rounds} intervals`);
  console.log(
    '| requests by viewers | ClickHouse queries (server counter) | ceiling (panels × intervals) | computed by the cache |',
  );
  console.log('|---:|---:|---:|---:|');
  console.log(`| ${50 * panels.length * rounds} | ${queries} | ${panels.length * rounds} | ${computed} |`);
  if (rss.known) {
    console.log(
      `\nembedded ClickHouse peak RSS: ${gib(loadPeak)} while loading, ${gib(rss.peak())} while querying (machine: 24 GiB)`,
    );
  }
  rss.stop();
  await client.close();
}
