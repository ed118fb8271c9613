import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createClickHouse } from '@tributary/clickhouse';
import { makeEvent, quantile, sendSteady, type LoadEvent } from '../../scripts/lib/load.ts';
import { startTestStack, type TestStack } from '../../scripts/lib/test-stack.ts';
import {
  describeEngineMemory,
  engineMemory,
  Latencies,
  mb,
  numberArg,
  treeRssBytes,
} from './soak-figures.ts';

/**
 * npm run soak [-- --minutes 30 --rate 5000]: one private stack (Kafka broker, embedded
 * ClickHouse, Postgres, Redis, ingest, workers and the console as processes) under a steady
 * load through ingest for the whole time, while
 *   - the console's Live and Pipeline pages are "open": their tRPC queries every 1.5 s, over
 *     HTTP against the running web app (what the pages' React Query polling sends);
 *   - a ClickHouse client streams a large result in a loop (SELECT number FROM numbers(1e8));
 * and prints every process's RSS each minute (and at start, minute 5, middle and end, with the
 * growth from minute 5 to the end — the soak's memory target is +15% at most), the embedded
 * ClickHouse's own memory figures each minute (tracker, jemalloc, caches), freshness (ingest → queryable)
 * p50/p99 per 5 minutes from the events' own received/inserted times, and, once the workers
 * drained, how many acknowledged events were lost or stored twice. Stops by itself (the load at
 * the deadline, the drain within 10 minutes), also on Ctrl-C. Not part of npm test.
 */
const argv = process.argv.slice(2);
const MINUTES = numberArg(argv, 'minutes', 30);
const RATE = numberArg(argv, 'rate', 5000);
const BATCH = 100;
const POLL_MS = 1500;
const BUCKET_MS = 5 * 60_000;
const STREAM_ROWS = 100_000_000;
const DRAIN_TIMEOUT_MS = 10 * 60_000;
const TYPE = 'soak';
const PROCESSES = ['kafka', 'clickhouse', 'ingest', 'workers', 'web'] as const;

const log = (m: string) => console.log(`· ${new Date().toISOString().slice(11, 19)} ${m}`);
let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  log('interrupted: stopping the load, then reporting and shutting down');
});

log(`starting a private stack (Kafka, ClickHouse, ingest, workers, console; next build first)…`);
const started = performance.now();
const t = await startTestStack(['workers', 'ingest', 'web']);
log(`stack up in ${((performance.now() - started) / 1000).toFixed(0)} s; logs in ${t.config.stateDir}/logs`);
try {
  await soak(t);
} finally {
  await t.stop();
}

function pidOf(t: TestStack, name: (typeof PROCESSES)[number]): number | undefined {
  if (name === 'kafka') return t.stack.infra.kafka?.pid;
  if (name === 'clickhouse') return t.stack.infra.clickhouse?.child.pid;
  return t.stack.processes.get(name)?.child.pid;
}

async function soak(t: TestStack): Promise<void> {
  const run = randomBytes(3).toString('hex');
  const durationMs = MINUTES * 60_000;
  const rss: Array<{ at: string; values: Record<string, number> }> = [];
  // Every sample, for a figure a garbage collector's sawtooth cannot swing: medians of three.
  const everyMinute: Array<{ minute: number; values: Record<string, number> }> = [];
  // The load starts right after the first sample.
  const soakStartMs = Date.now();
  const rssMax: Record<string, number> = {};
  const sampleRss = (at: string, keep = true) => {
    const values: Record<string, number> = {};
    for (const name of PROCESSES) {
      const pid = pidOf(t, name);
      values[name] = pid ? treeRssBytes(pid) : 0;
      rssMax[name] = Math.max(rssMax[name] ?? 0, values[name]);
    }
    if (keep) rss.push({ at, values });
    everyMinute.push({ minute: (Date.now() - soakStartMs) / 60_000, values });
    log(`RSS (${at}): ${PROCESSES.map((n) => `${n} ${mb(values[n]!)}`).join(', ')}`);
  };

  sampleRss('start');
  const startMs = Date.now();
  const endAt = startMs + durationMs;
  const done = () => interrupted || Date.now() >= endAt;
  let acked = 0;
  const failedBatches: number[] = [];
  const statuses = new Map<number, number>();

  log(
    `load: ${RATE} events/s in batches of ${BATCH} for ${MINUTES} min; console polled every ${POLL_MS} ms; streaming numbers(1e8) in a loop`,
  );
  const load = sendSteady({
    ingestUrl: t.stack.ingestUrl,
    writeKey: t.stack.writeKey,
    eventsPerSecond: RATE,
    batchSize: BATCH,
    maxInFlight: 32,
    makeBatch: (i) =>
      Array.from(
        { length: BATCH },
        (_, j): LoadEvent => ({
          ...makeEvent(i * BATCH + j, 8, TYPE),
          // Ids carry the batch number, so lost/duplicate counts need no list of 9 million ids.
          event_id: `soak-${run}-${i}-${j}`,
        }),
      ),
    until: done,
    onResult: (i, status, batch) => {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 200 && status < 300) acked += batch.length;
      else failedBatches.push(i);
    },
  });

  const polls = new Latencies();
  // Each query polls on its own, as React Query's refetchInterval does for each of the pages'
  // queries: one request every 1.5 s, never two of the same at once (a slow one delays only itself).
  const calls = {
    'live.overview': `${t.stack.webUrl}/api/trpc/live.overview`,
    'live.tail': `${t.stack.webUrl}/api/trpc/live.tail?input=${encodeURIComponent(JSON.stringify({ limit: 50 }))}`,
    'pipeline.overview': `${t.stack.webUrl}/api/trpc/pipeline.overview?input=${encodeURIComponent(JSON.stringify({ window: '5m' }))}`,
  };
  const consolePolling = Promise.all(
    Object.entries(calls).map(async ([name, url]) => {
      while (!done()) {
        const t0 = performance.now();
        try {
          const res = await fetch(url, {
            // The demo admin key: console procedures answer only a known actor.
            headers: { authorization: `Bearer ${t.stack.apiKey}` },
            signal: AbortSignal.timeout(30_000),
          });
          const body = await res.text();
          polls.add(name, performance.now() - t0, res.ok ? undefined : `${res.status} ${body.slice(0, 200)}`);
        } catch (err) {
          polls.add(name, performance.now() - t0, String(err));
        }
        await sleep(Math.max(0, POLL_MS - (performance.now() - t0)));
      }
    }),
  );

  const stream = { iterations: 0, rows: 0, seconds: 0, errors: 0, lastError: '', short: 0 };
  const streaming = (async () => {
    const client = createClickHouse({
      url: t.stack.clickhouseUrl,
      requestTimeoutMs: 10 * 60_000,
      application: 'soak-stream',
    });
    try {
      while (!done()) {
        const t0 = performance.now();
        try {
          const { stream: body } = await client.exec({
            query: `SELECT number FROM numbers(${STREAM_ROWS}) FORMAT RowBinary`,
          });
          let bytes = 0;
          for await (const chunk of body as AsyncIterable<Buffer>) {
            bytes += chunk.length;
            if (done()) break;
          }
          if (bytes === STREAM_ROWS * 8) stream.iterations++;
          else if (!done()) stream.short++;
          stream.rows += bytes / 8;
          stream.seconds += (performance.now() - t0) / 1000;
        } catch (err) {
          stream.errors++;
          stream.lastError = String(err).slice(0, 200);
          await sleep(1000);
        }
      }
    } finally {
      await client.close();
    }
  })();

  let middleSampled = false;
  let minute5Sampled = false;
  let lastAcked = 0;
  let lastAt = startMs;
  while (!done()) {
    const reportAt = Math.min(endAt, Date.now() + 60_000);
    while (!done() && Date.now() < reportAt) await sleep(Math.min(1000, reportAt - Date.now()));
    const minute = (Date.now() - startMs) / 60_000;
    if (!minute5Sampled && minute >= 5) {
      minute5Sampled = true;
      sampleRss('minute 5');
    } else if (!middleSampled && Date.now() - startMs >= durationMs / 2) {
      middleSampled = true;
      sampleRss('middle');
    } else sampleRss(`${minute.toFixed(0)} min`, false);
    await engineMemory(t.clickhouse)
      .then((m) => log(`embedded ClickHouse: ${describeEngineMemory(m)}`))
      .catch((err: unknown) =>
        log(`embedded ClickHouse memory figures unavailable: ${String(err).slice(0, 120)}`),
      );
    const now = Date.now();
    // count() only: the uniqExact of t.count() over millions of ids is itself a heavy query.
    const stored = await storedRows(t).catch(() => NaN);
    const lag = await t.admin
      .consumerLag(t.config.consumerGroup, `${t.config.topicPrefix}events`)
      .catch(() => NaN);
    log(
      `${((now - startMs) / 60_000).toFixed(1)} min: acked ${acked} (${Math.round(((acked - lastAcked) * 1000) / (now - lastAt))}/s lately), ` +
        `stored ${stored}, consumer lag ${lag}, non-2xx batches ${failedBatches.length}, ` +
        `streamed ${stream.iterations} × 1e8 rows, console polls ${polls.summary().reduce((n, s) => n + s.calls, 0)}`,
    );
    lastAcked = acked;
    lastAt = now;
  }
  const sent = await load;
  await Promise.all([consolePolling, streaming]);
  if (!middleSampled) sampleRss('middle (run cut short)');
  const loadEndMs = Date.now();
  log(
    `load ended after ${sent.seconds.toFixed(0)} s: sent ${sent.sentEvents}, acked ${acked}; waiting for the workers to drain…`,
  );
  let drained = true;
  await t.drained(DRAIN_TIMEOUT_MS).catch((err: unknown) => {
    drained = false;
    log(String(err));
  });
  log(`drained ${((Date.now() - loadEndMs) / 1000).toFixed(1)} s after the load ended`);
  sampleRss('end');

  // Lost and duplicated: ids name their batch; the batches not answered 2xx are listed in a table.
  await t.clickhouse.command({ query: 'CREATE TABLE soak_failed (i UInt32) ENGINE = Memory' });
  if (failedBatches.length > 0)
    await t.clickhouse.insert({
      table: 'soak_failed',
      values: failedBatches.map((i) => ({ i })),
      format: 'JSONEachRow',
    });
  const [counts] = await (
    await t.clickhouse.query({
      query: `SELECT count() AS rows, uniqExact(event_id) AS distinct,
                     uniqExactIf(event_id, toUInt32(splitByChar('-', event_id)[3]) NOT IN (SELECT i FROM soak_failed)) AS acked_present,
                     (SELECT sum(events) FROM events_per_minute WHERE event_type = {type:String}) AS per_minute
              FROM events WHERE event_type = {type:String}`,
      query_params: { type: TYPE },
      format: 'JSONEachRow',
    })
  ).json<{ rows: number; distinct: number; acked_present: number; per_minute: number }>();
  const freshness = await (
    await t.clickhouse.query({
      query: `SELECT intDiv(toUnixTimestamp64Milli(received_at) - {start:Int64}, {bucket:UInt32}) AS b, count() AS n,
                     quantiles(0.5, 0.99)(dateDiff('millisecond', received_at, inserted_at)) AS q
              FROM events WHERE event_type = {type:String} GROUP BY b ORDER BY b`,
      query_params: { type: TYPE, start: startMs, bucket: BUCKET_MS },
      format: 'JSONEachRow',
    })
  ).json<{ b: number; n: number; q: [number, number] }>();

  const c = counts!;
  const supervisorNotes = t.supervisor.events.filter((e) =>
    ['crash', 'restart', 'restart-failed', 'give-up'].includes(e.kind),
  );
  console.log('\n━━ soak figures ━━');
  console.log(
    `duration ${(sent.seconds / 60).toFixed(1)} min at ${RATE} events/s asked: sent ${sent.sentEvents} ` +
      `(${Math.round(sent.sentEvents / sent.seconds)}/s achieved), acked ${acked}, batches late ${sent.late}, ` +
      `statuses ${JSON.stringify([...statuses])}, ingest request p50 ${quantile(sent.latenciesMs, 0.5).toFixed(1)} ms ` +
      `p99 ${quantile(sent.latenciesMs, 0.99).toFixed(1)} ms`,
  );
  console.log('RSS per process (process tree):');
  console.log(
    `  ${'process'.padEnd(11)}${rss.map((r) => r.at.padStart(24)).join('')}${'max sampled'.padStart(14)}`,
  );
  const median3 = (name: string, samples: typeof everyMinute) => {
    const v = samples.map((x) => x.values[name]!).sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)] ?? NaN;
  };
  const early = everyMinute.filter((x) => x.minute >= 3.5 && x.minute < 6.5);
  const late = everyMinute.filter((x) => x.minute <= MINUTES + 0.5).slice(-3);
  const pct = (a: number, b: number) => `${(((b - a) / a) * 100).toFixed(0)}%`;
  const from = rss.find((r) => r.at === 'minute 5');
  const to = rss.at(-1)!;
  for (const name of PROCESSES) {
    const growth = from
      ? ` ${pct(from.values[name]!, to.values[name]!)} minute 5 → end; ` +
        `${pct(median3(name, early), median3(name, late))} median of minutes 4-6 → of the last 3`
      : '';
    console.log(
      `  ${name.padEnd(11)}${rss.map((r) => mb(r.values[name]!).padStart(24)).join('')}${mb(rssMax[name]!).padStart(14)}${growth}`,
    );
  }
  console.log('freshness (received → inserted), per 5 minutes of receive time:');
  for (const f of freshness)
    console.log(
      `  ${String(f.b * 5).padStart(3)}–${String((f.b + 1) * 5).padEnd(3)} min: ${String(f.n).padStart(9)} events, ` +
        `p50 ${String(Math.round(f.q[0])).padStart(6)} ms, p99 ${String(Math.round(f.q[1])).padStart(6)} ms`,
    );
  console.log('console queries (tRPC over HTTP, every 1.5 s):');
  for (const s of polls.summary())
    console.log(
      `  ${s.name.padEnd(18)} ${s.calls} calls, ${s.errors} errors, p50 ${s.p50.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms` +
        (s.errors > 0 ? ` (last error: ${s.lastError})` : ''),
    );
  console.log(
    `large result stream: ${stream.iterations} full reads of numbers(1e8) (${(stream.rows / 1e6).toFixed(0)} M rows, ` +
      `${(stream.rows / Math.max(stream.seconds, 1) / 1e6).toFixed(1)} M rows/s), ${stream.short} short, ${stream.errors} errors` +
      (stream.errors > 0 ? ` (last: ${stream.lastError})` : ''),
  );
  console.log(
    `stored: ${c.rows} rows, ${c.distinct} distinct ids, ${c.acked_present} of the ${acked} acked present; ` +
      `lost ${acked - c.acked_present}, duplicated rows ${c.rows - c.distinct}, double inserts seen by events_per_minute ` +
      `${c.per_minute - c.distinct}, stored though not acked ${c.distinct - c.acked_present}; drained ${drained}`,
  );
  console.log(
    `supervisor: ${supervisorNotes.length === 0 ? 'no crash, no restart' : supervisorNotes.map((e) => e.message).join(' | ')}`,
  );
}

async function storedRows(t: TestStack): Promise<number> {
  const rs = await t.clickhouse.query({
    query: 'SELECT count() AS n FROM events WHERE event_type = {type:String}',
    query_params: { type: TYPE },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: number }>();
  return Number(row?.n ?? NaN);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
