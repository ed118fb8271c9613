import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchRawInsert } from '../../packages/clickhouse/src/bench.ts';
import { benchRawProducer } from './kafka-clients.ts';
import { makeBatches, sendBatches, type LoadEvent } from '../../scripts/lib/load.ts';
import { startTestStack } from '../../scripts/lib/test-stack.ts';

/**
 * npm run bench: one run, one private stack (real Kafka broker, embedded ClickHouse, Postgres,
 * Redis, ingest and workers as processes), every figure printed side by side. Sizes scale with
 * BENCH_SCALE (default 1).
 */
const scale = Number(process.env.BENCH_SCALE ?? 1);
const N_BATCHED = Math.round(200_000 * scale);
const N_SINGLE = Math.round(20_000 * scale);
const N_RAW = Math.round(300_000 * scale);
const LATENCY_SECONDS = 15;

const log = (m: string) => console.log(`· ${m}`);
log('starting a private stack (Kafka, ClickHouse, ingest, workers)…');
const t = await startTestStack(['workers', 'ingest']);
const figures: Array<[string, number, string]> = [];
try {
  log('warm-up: 30,000 events through ingest');
  // Warm-up: the broker's JIT and ingest's hot paths settle before anything is timed.
  await sendBatches({
    ingestUrl: t.stack.ingestUrl,
    writeKey: t.stack.writeKey,
    batches: makeBatches(30_000, 100, { eventType: 'bench_warmup' }),
    concurrency: 16,
  });

  log(`raw producer: ${N_RAW} messages of ~700 bytes (an event's envelope), in-process, batches of 100`);
  const rawTopic = `${t.config.topicPrefix}bench-raw`;
  await t.admin.ensureTopics([{ name: rawTopic, partitions: 6, config: {} }]);
  const raw = await benchRawProducer({
    brokers: t.stack.brokers.split(','),
    topic: rawTopic,
    messages: N_RAW,
    batchSize: 100,
    valueBytes: 700,
  });
  figures.push(['raw Kafka producer (in-process)', raw.eventsPerSec, 'events/s']);

  log('raw ClickHouse insert: 200,000 rows in batches of 10,000');
  const chRaw = await benchRawInsert({
    url: t.stack.clickhouseUrl,
    database: t.config.clickhouseDatabase,
    rows: Math.round(200_000 * scale),
  });
  figures.push(['raw ClickHouse insert', chRaw.rowsPerSec, 'rows/s']);

  // Workers off while ingest is measured: the two would share two cores, and the drain
  // afterwards measures the workers alone.
  await t.stack.processes.get('workers')!.stop();

  log(`ingest over HTTP: ${N_BATCHED} events in batches of 100, 16 connections`);
  const batched = await sendBatches({
    ingestUrl: t.stack.ingestUrl,
    writeKey: t.stack.writeKey,
    batches: makeBatches(N_BATCHED, 100, { eventType: 'bench_batched' }),
    concurrency: 16,
  });
  assertAll(batched.acceptedIds.length, N_BATCHED, 'batched ingest');
  const batchedRate = N_BATCHED / batched.seconds;
  figures.push(['ingest HTTP, batches of 100', batchedRate, 'events/s']);

  log(`ingest over HTTP: ${N_SINGLE} single-event requests, 64 connections`);
  const single = await sendBatches({
    ingestUrl: t.stack.ingestUrl,
    writeKey: t.stack.writeKey,
    batches: makeBatches(N_SINGLE, 1, { eventType: 'bench_single' }),
    concurrency: 64,
  });
  assertAll(single.acceptedIds.length, N_SINGLE, 'single-event ingest');
  figures.push(['ingest HTTP, single events', N_SINGLE / single.seconds, 'events/s']);

  const backlog = N_BATCHED + N_SINGLE + 30_000;
  log(`workers: draining a backlog of ${backlog} events into ClickHouse`);
  // Timed from the moment the worker process is up (its module loading is not throughput).
  await t.stack.startApp('workers');
  const drainStart = performance.now();
  await t.drained(600_000);
  const inserted = (await t.count(`event_type IN ('bench_batched', 'bench_single', 'bench_warmup')`)).rows;
  assertAll(inserted, backlog, 'worker drain');
  figures.push([
    'workers end-to-end into ClickHouse',
    backlog / ((performance.now() - drainStart) / 1000),
    'events/s',
  ]);

  const rate = batchedRate / 2;
  log(`latency: ${LATENCY_SECONDS} s at half the batched maximum (${Math.round(rate)} events/s)`);
  await paced(t.stack.ingestUrl, t.stack.writeKey, rate, LATENCY_SECONDS);
  await t.drained(120_000);
  const rs = await t.clickhouse.query({
    query: `SELECT quantiles(0.5, 0.99)(dateDiff('millisecond', received_at, inserted_at)) AS q, count() AS n
            FROM events WHERE event_type = 'bench_latency'`,
    format: 'JSONEachRow',
  });
  const [q] = await rs.json<{ q: number[]; n: string }>();
  figures.push(['ingest→queryable p50 at half rate', q!.q[0]!, 'ms']);
  figures.push(['ingest→queryable p99 at half rate', q!.q[1]!, 'ms']);

  const get = (name: string) => figures.find((f) => f[0] === name)![1];
  console.log('\nTributary benchmark — one run on this machine\n');
  for (const [name, value, unit] of figures)
    console.log(`  ${name.padEnd(40)} ${fmt(value).padStart(10)} ${unit}`);
  console.log('\nRatios');
  const ratio = (a: string, b: string) => `  ${`${a} / ${b}`.padEnd(80)} ${(get(a) / get(b)).toFixed(2)}`;
  console.log(ratio('ingest HTTP, batches of 100', 'raw Kafka producer (in-process)'));
  console.log(ratio('ingest HTTP, single events', 'ingest HTTP, batches of 100'));
  console.log(ratio('workers end-to-end into ClickHouse', 'ingest HTTP, batches of 100'));
  console.log(ratio('workers end-to-end into ClickHouse', 'raw ClickHouse insert'));
  console.log(`\nlogs: ${join(t.config.stateDir, 'logs')} (removed at exit)`);
} finally {
  await t.stop();
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}

function assertAll(got: number, want: number, what: string) {
  if (got !== want)
    throw new Error(`${what}: expected ${want}, got ${got} — the figures would be meaningless`);
}

/** Sends batches of 100 on a fixed schedule so the offered rate is `rate`, not "as fast as possible". */
async function paced(ingestUrl: string, writeKey: string, rate: number, seconds: number) {
  const perTick = 100;
  const interval = (1000 * perTick) / rate;
  const total = Math.floor((rate * seconds) / perTick);
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const batch: LoadEvent[][] = makeBatches(perTick, perTick, { eventType: 'bench_latency' });
    inFlight.push(sendBatches({ ingestUrl, writeKey, batches: batch, concurrency: 1 }));
  }
  await Promise.all(inFlight);
}
