import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchRawInsert } from '../../packages/clickhouse/src/bench.ts';
import { benchRawProducer } from './kafka-clients.ts';
import { makeBatches, sendBatches, type LoadEvent } from '../../scripts/lib/load.ts';
import { startTestStack, type TestStack } from '../../scripts/lib/test-stack.ts';
import { runDlqBench } from './dlq.ts';
import { runClickHouseBench } from './clickhouse-limits.ts';
import { runIngestHardeningBench } from './ingest-hardening.ts';
import { runProcessorRolloutBench } from './processor-rollout.ts';
import { runProcessorExactnessBench } from './processor-exactness.ts';
import { runProcessorStepsBench } from './processor-steps.ts';
import { runControlLatencyBench } from './control-latency.ts';
import { runMessageBrowserBench } from './message-browser.ts';
import { runDashboardsBench } from './dashboards.ts';
import { runDashboardRenderBench } from './dashboard-render.ts';
import { runAlertBacktestBench } from './alert-backtest.ts';
import { runAlertLoadBench } from './alert-load.ts';
import { asUser, kafkaAs } from '../../scripts/lib/stack.ts';
import { topicNames } from '@tributary/contracts';
import { createDb } from '@tributary/db';
import { createProducer, type KafkaSasl } from '@tributary/kafka';
import { publishSubject, registerVersion } from '@tributary/registry';

/**
 * npm run bench: one run, one private stack (real Kafka broker, embedded ClickHouse, Postgres,
 * Redis, ingest and workers as processes), every figure printed side by side. Sizes scale with
 * BENCH_SCALE (default 1).
 *
 * Sections: `npm run bench` runs all; `npm run bench -- pipeline`, `-- ingest-hardening`, `-- dlq`,
 * `-- clickhouse`, `-- control`, `-- dashboards`, `-- dashboard-render`, `-- alert-backtest` or `-- alert-load` runs one (the dead-letter,
 * ClickHouse and control sections need no ingest or workers, so they start none; ingest-hardening
 * starts its own two ingest processes; dashboard-render builds and starts the console;
 * `-- processor-steps` measures the processor steps in this process, before any stack starts).
 */
const SECTIONS = [
  'pipeline',
  'ingest-hardening',
  'dlq',
  'clickhouse',
  'control',
  'processor-steps',
  'processor-rollout',
  'processor-exactness',
  'message-browser',
  'dashboards',
  'dashboard-render',
  'alert-backtest',
  'alert-load',
] as const;
type Section = (typeof SECTIONS)[number];
const asked = process.argv.slice(2).filter((a) => a !== '--');
const unknown = asked.filter((a) => !(SECTIONS as readonly string[]).includes(a));
if (unknown.length > 0) {
  console.error(`unknown bench section(s): ${unknown.join(', ')} (known: ${SECTIONS.join(', ')})`);
  process.exit(2);
}
const sections = new Set<Section>(asked.length > 0 ? (asked as Section[]) : SECTIONS);

const scale = Number(process.env.BENCH_SCALE ?? 1);
const N_BATCHED = Math.round(200_000 * scale);
const N_SINGLE = Math.round(20_000 * scale);
const N_RAW = Math.round(300_000 * scale);
/** Per round of the schema validation comparison (two rounds each, alternating). */
const N_VALIDATION = Math.round(50_000 * scale);
const VALIDATION_PROPS = 15;
const LATENCY_SECONDS = 15;

const log = (m: string) => console.log(`· ${m}`);
// The processor steps are measured in this process alone, before any stack is started.
if (sections.has('processor-steps')) {
  await runProcessorStepsBench({ scale, log });
  if (sections.size === 1) process.exit(0);
}
const withApps = sections.has('pipeline');
// The render bench opens the console in Chromium: it needs the web app (built and started).
const withWeb = sections.has('dashboard-render');
log(
  `starting a private stack (Kafka, ClickHouse${withApps ? ', ingest, workers' : ''}${withWeb ? ', console' : ''})…`,
);
const t = await startTestStack([
  ...(withApps ? (['workers', 'ingest'] as const) : []),
  ...(withWeb ? (['web'] as const) : []),
]);
try {
  if (sections.has('pipeline')) await pipelineBench(t);
  if (sections.has('ingest-hardening')) await runIngestHardeningBench(t, { scale, log });
  // Both start worker processes of their own (the stack's are stopped first: they would share the group).
  if (sections.has('processor-rollout') || sections.has('processor-exactness')) {
    for (const p of t.stack.processes.values()) await p.stop();
  }
  if (sections.has('processor-rollout')) await runProcessorRolloutBench(t, { scale, log });
  if (sections.has('processor-exactness')) await runProcessorExactnessBench(t, { scale, log });
  if (sections.has('dashboard-render')) {
    // Only the console serves; the other apps would share the two cores with it and the browser.
    for (const [name, p] of t.stack.processes) if (name !== 'web') await p.stop();
    await runDashboardRenderBench({
      webUrl: t.stack.webUrl,
      apiKey: t.stack.apiKey,
      databaseUrl: t.config.databaseUrl,
      clickhouseUrl: t.stack.clickhouseUrl,
      clickhouseAuth: asUser(t.stack.infra, 'admin'),
      database: t.config.clickhouseDatabase,
      redisUrl: t.config.redisUrl,
      redisPrefix: t.config.redisPrefix,
      scale,
      clickhousePid: t.stack.infra.clickhouse?.child.pid,
      log,
    });
  }
  if (sections.has('dlq')) {
    // The apps would only share the two cores; the dead-letter section uses topics of its own.
    for (const p of t.stack.processes.values()) await p.stop();
    await runDlqBench({
      brokers: t.stack.brokers.split(','),
      sasl: t.kafkaAdmin.sasl,
      clickhouseUrl: t.stack.clickhouseUrl,
      clickhouseDatabase: t.config.clickhouseDatabase,
      databaseUrl: t.config.databaseUrl,
      topicPrefix: t.config.topicPrefix,
      log,
    });
  }
  if (sections.has('control')) {
    // Commit → handler latency of the control path; needs only Kafka and Postgres.
    await runControlLatencyBench({
      brokers: t.stack.brokers.split(','),
      sasl: t.kafkaAdmin.sasl,
      databaseUrl: t.config.databaseUrl,
      topicPrefix: t.config.topicPrefix,
      log,
    });
  }
  if (sections.has('message-browser')) {
    // Writes to the stack's events topic: the workers must not share the cores meanwhile.
    for (const p of t.stack.processes.values()) await p.stop();
    await runMessageBrowserBench({
      brokers: t.stack.brokers.split(','),
      consoleSasl: kafkaAs(t.stack.infra, 'console').sasl,
      writerSasl: t.kafkaAdmin.sasl,
      topicPrefix: t.config.topicPrefix,
      scale,
      log,
    });
  }
  if (sections.has('dashboards')) {
    // The server's request counter is the measure: nothing else may query it meanwhile.
    for (const p of t.stack.processes.values()) await p.stop();
    await runDashboardsBench({
      clickhouseUrl: t.stack.clickhouseUrl,
      clickhouseAuth: asUser(t.stack.infra, 'admin'),
      database: t.config.clickhouseDatabase,
      redisUrl: t.config.redisUrl,
      redisPrefix: t.config.redisPrefix,
      scale,
      clickhousePid: t.stack.infra.clickhouse?.child.pid,
      log,
    });
  }
  if (sections.has('alert-backtest')) {
    // Backtests read ClickHouse only; the apps would share the two cores with the timed queries.
    for (const p of t.stack.processes.values()) await p.stop();
    await runAlertBacktestBench({
      clickhouseUrl: t.stack.clickhouseUrl,
      clickhouseAuth: asUser(t.stack.infra, 'admin'),
      database: t.config.clickhouseDatabase,
      scale,
      log,
    });
  }
  if (sections.has('alert-load')) {
    // The evaluator runs in this process against the stack's own Postgres database and ClickHouse.
    for (const p of t.stack.processes.values()) await p.stop();
    await runAlertLoadBench({
      clickhouseUrl: t.stack.clickhouseUrl,
      clickhouseAuth: asUser(t.stack.infra, 'admin'),
      database: t.config.clickhouseDatabase,
      databaseUrl: t.config.databaseUrl,
      scale,
      clickhousePid: t.stack.infra.clickhouse?.child.pid,
      log,
    });
  }
  if (sections.has('clickhouse')) {
    for (const p of t.stack.processes.values()) await p.stop();
    await runClickHouseBench({ url: t.stack.clickhouseUrl, pid: t.stack.infra.clickhouse!.child.pid!, log });
  }
  console.log(`\nlogs: ${join(t.config.stateDir, 'logs')} (removed at exit)`);
} finally {
  await t.stop();
}

/** Ingest, schema validation, workers and latency, against raw Kafka and ClickHouse. */
async function pipelineBench(t: TestStack): Promise<void> {
  const figures: Array<[string, number, string]> = [];
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
    sasl: t.kafkaAdmin.sasl,
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

  log(`schema validation: registering a ${VALIDATION_PROPS}-property schema for bench_validated (enforce)`);
  const probes = await registerBenchSchema(t.stack.ingestUrl, t.stack.writeKey, {
    ...t.config,
    brokers: t.stack.brokers,
    sasl: t.kafkaAdmin.sasl,
  });
  log(
    `ingest over HTTP, schema validation on/off: 2 × ${N_VALIDATION} events of ${VALIDATION_PROPS} properties each, alternating`,
  );
  // Alternating rounds, so drift during the run (JIT, broker log segments) hits both sides alike.
  const seconds = { on: 0, off: 0 };
  for (const side of ['off', 'on', 'off', 'on'] as const) {
    const r = await sendBatches({
      ingestUrl: t.stack.ingestUrl,
      writeKey: t.stack.writeKey,
      batches: makeBatches(N_VALIDATION, 100, {
        props: VALIDATION_PROPS,
        eventType: side === 'on' ? 'bench_validated' : 'bench_unvalidated',
      }),
      concurrency: 16,
    });
    assertAll(r.acceptedIds.length, N_VALIDATION, `schema validation ${side}`);
    seconds[side] += r.seconds;
  }
  figures.push([
    'ingest HTTP, batches of 100, schema validation on',
    (2 * N_VALIDATION) / seconds.on,
    'events/s',
  ]);
  figures.push(['ingest HTTP, batches of 100, no schema', (2 * N_VALIDATION) / seconds.off, 'events/s']);

  log(`ingest over HTTP: ${N_SINGLE} single-event requests, 64 connections`);
  const single = await sendBatches({
    ingestUrl: t.stack.ingestUrl,
    writeKey: t.stack.writeKey,
    batches: makeBatches(N_SINGLE, 1, { eventType: 'bench_single' }),
    concurrency: 64,
  });
  assertAll(single.acceptedIds.length, N_SINGLE, 'single-event ingest');
  figures.push(['ingest HTTP, single events', N_SINGLE / single.seconds, 'events/s']);

  const backlog = N_BATCHED + N_SINGLE + 30_000 + 4 * N_VALIDATION + probes;
  log(`workers: draining a backlog of ${backlog} events into ClickHouse`);
  // Timed from the moment the worker process is up (its module loading is not throughput).
  await t.stack.startApp('workers');
  const drainStart = performance.now();
  await t.drained(600_000);
  const inserted = (
    await t.count(
      `event_type IN ('bench_batched', 'bench_single', 'bench_warmup', 'bench_validated', 'bench_unvalidated')`,
    )
  ).rows;
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
    console.log(`  ${name.padEnd(50)} ${fmt(value).padStart(10)} ${unit}`);
  console.log('\nRatios');
  const ratio = (a: string, b: string) => `  ${`${a} / ${b}`.padEnd(100)} ${(get(a) / get(b)).toFixed(2)}`;
  console.log(ratio('ingest HTTP, batches of 100', 'raw Kafka producer (in-process)'));
  console.log(ratio('ingest HTTP, single events', 'ingest HTTP, batches of 100'));
  console.log(
    ratio('ingest HTTP, batches of 100, schema validation on', 'ingest HTTP, batches of 100, no schema') +
      '  (target ≥ 0.90)',
  );
  console.log(ratio('workers end-to-end into ClickHouse', 'ingest HTTP, batches of 100'));
  console.log(ratio('workers end-to-end into ClickHouse', 'raw ClickHouse insert'));
}

/**
 * Registers (enforce mode) a closed schema describing makeEvent's data at VALIDATION_PROPS
 * properties, publishes it, and waits until ingest rejects data that breaks it. Returns how many
 * probe events ingest accepted before it enforced (they reach ClickHouse too).
 */
async function registerBenchSchema(
  ingestUrl: string,
  writeKey: string,
  config: { databaseUrl: string; topicPrefix: string; brokers: string; sasl?: KafkaSasl },
): Promise<number> {
  const properties: Record<string, unknown> = {
    path: { type: 'string', minLength: 1, maxLength: 256 },
    n: { type: 'integer', minimum: 0 },
    ok: { type: 'boolean' },
  };
  for (let p = 3; p < VALIDATION_PROPS; p++) {
    properties[`prop_${p}`] = p % 2 === 0 ? { type: 'string', maxLength: 64 } : { type: 'integer' };
  }
  const schema = {
    type: 'object',
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  };
  const db = createDb(config.databaseUrl);
  const producer = createProducer({
    brokers: config.brokers.split(','),
    sasl: config.sasl,
    clientId: 'bench-registry',
  });
  try {
    await registerVersion(db, 'bench_validated', schema, { actor: 'bench' });
    await publishSubject(producer, topicNames(config.topicPrefix).control, db, 'bench_validated');
  } finally {
    await producer.close();
    await db.$disconnect();
  }
  let accepted = 0;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(`${ingestUrl}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writeKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ event_type: 'bench_validated', data: { path: 1 } }),
    });
    const body = (await res.json()) as { accepted: number; results: Array<{ code?: string }> };
    if (body.results[0]?.code === 'schema_violation') return accepted;
    accepted += body.accepted;
    if (Date.now() > deadline) throw new Error('ingest did not enforce the bench schema within 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
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
