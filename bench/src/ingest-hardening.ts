import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { topicNames } from '@tributary/contracts';
import { createDb } from '@tributary/db';
import { createProducer } from '@tributary/kafka';
import { compileLinear } from '@tributary/linear-regex';
import { publishSubject, registerVersion } from '@tributary/registry';
import { makeBatches, makeEvent, quantile, sendBatches, sendSteady } from '../../scripts/lib/load.ts';
import { freePort } from '../../scripts/lib/ports.ts';
import { startProcess, type ManagedProcess } from '../../scripts/lib/processes.ts';
import { kafkaSaslEnv } from '../../scripts/lib/kafka-credentials.ts';
import { asUser, kafkaAs } from '../../scripts/lib/stack.ts';
import type { TestStack } from '../../scripts/lib/test-stack.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const EVIL_PATTERN = '^(a|a)*$';
const EVIL_INPUT = 'a'.repeat(30) + 'b';
/** One ReDoS event per request: under V8's engine, one such event alone froze ingest. */
const ATTACK_PER_SECOND = 50;

/**
 * `npm run bench -- ingest-hardening`: what the ingest protections cost, in one run.
 * (a) throughput with rate limiting on (limits far above the load, so every request pays for a
 *     Redis decision and none is refused) against off, two ingest processes side by side, rounds
 *     alternating so drift hits both; (b) p99 of ordinary requests at a steady rate, alone and
 *     with a concurrent stream of ReDoS attempts (30 × 'a' + 'b' against `^(a|a)*$`).
 */
export async function runIngestHardeningBench(
  t: TestStack,
  opts: { scale: number; log: (m: string) => void },
) {
  const { log } = opts;
  const N_BATCHED = Math.round(100_000 * opts.scale);
  const N_SINGLE = Math.round(10_000 * opts.scale);
  const STEADY_SECONDS = 12;

  // Only the two ingest processes under test use the cores.
  for (const p of t.stack.processes.values()) await p.stop();
  const [on, off] = await Promise.all([
    startIngest(t, 'ingest-limits-on', {
      INGEST_RATE_LIMITS: 'on',
      INGEST_RATE_LIMIT_EVENTS_PER_SECOND: '100000000',
      INGEST_RATE_LIMIT_BURST: '100000000',
    }),
    startIngest(t, 'ingest-limits-off', { INGEST_RATE_LIMITS: 'off' }),
  ]);
  try {
    const send = (url: string, total: number, size: number, concurrency: number) =>
      sendBatches({
        ingestUrl: url,
        writeKey: t.stack.writeKey,
        batches: makeBatches(total, size, { eventType: 'bench_hardening' }),
        concurrency,
      });
    log('warm-up: 20,000 events through each ingest');
    await Promise.all([send(on.url, 20_000, 100, 8), send(off.url, 20_000, 100, 8)]);

    const rounds = { batched: { on: 0, off: 0 }, single: { on: 0, off: 0 } };
    const refused = { on: 0, off: 0 };
    log(`rate limits on/off: 2 × ${N_BATCHED} events in batches of 100 (16 connections), alternating`);
    for (const side of ['off', 'on', 'off', 'on'] as const) {
      const r = await send(side === 'on' ? on.url : off.url, N_BATCHED, 100, 16);
      refused[side] += r.requests - (r.statuses.get(200) ?? 0);
      rounds.batched[side] += r.seconds;
    }
    log(`rate limits on/off: 3 × ${N_SINGLE} single-event requests (64 connections), alternating`);
    for (const side of ['off', 'on', 'on', 'off', 'off', 'on'] as const) {
      const r = await send(side === 'on' ? on.url : off.url, N_SINGLE, 1, 64);
      refused[side] += r.requests - (r.statuses.get(200) ?? 0);
      rounds.single[side] += r.seconds;
    }
    if (refused.on + refused.off > 0) {
      throw new Error(
        `requests not answered 200 (on ${refused.on}, off ${refused.off}): figures meaningless`,
      );
    }

    log(`ReDoS: registering ${EVIL_PATTERN} for bench_redos (enforce) and waiting until ingest enforces it`);
    await registerEvilSchema(t, on.url);
    log(
      `p99 of ordinary requests (10 events, 2,000 events/s) for ${STEADY_SECONDS} s each: alone, beside a ` +
        `stream of ${ATTACK_PER_SECOND} single-event requests/s matching the pattern (30 × 'a'), and beside ` +
        `the same stream of ReDoS attempts (30 × 'a' + 'b')`,
    );
    const alone = await steady(on.url, t.stack.writeKey, STEADY_SECONDS);
    const benign = await besideStream(on.url, t.stack.writeKey, STEADY_SECONDS, 'a'.repeat(30));
    const attacked = await besideStream(on.url, t.stack.writeKey, STEADY_SECONDS, EVIL_INPUT);

    // One match on this process, for scale: RE2 per match, and why V8's engine is not used.
    const re = compileLinear(EVIL_PATTERN);
    const m0 = performance.now();
    for (let i = 0; i < 10_000; i++) re.test(EVIL_INPUT);
    const re2Micros = ((performance.now() - m0) / 10_000) * 1000;
    const v8 = new RegExp(EVIL_PATTERN, 'u');
    const v0 = performance.now();
    v8.test('a'.repeat(22) + 'b');
    const v8Ms22 = performance.now() - v0;

    const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
    const row = (name: string, value: number, unit: string) =>
      console.log(`  ${name.padEnd(62)} ${fmt(value).padStart(10)} ${unit}`);
    const rate = (events: number, seconds: number) => events / seconds;
    const b = { on: rate(2 * N_BATCHED, rounds.batched.on), off: rate(2 * N_BATCHED, rounds.batched.off) };
    const s = { on: rate(3 * N_SINGLE, rounds.single.on), off: rate(3 * N_SINGLE, rounds.single.off) };
    console.log('\nIngest hardening — one run on this machine\n');
    row('ingest HTTP, batches of 100, rate limits on', b.on, 'events/s');
    row('ingest HTTP, batches of 100, rate limits off', b.off, 'events/s');
    row('ingest HTTP, single events, rate limits on', s.on, 'events/s');
    row('ingest HTTP, single events, rate limits off', s.off, 'events/s');
    row('ordinary requests p50, alone', quantile(alone.latenciesMs, 0.5), 'ms');
    row('ordinary requests p99, alone', quantile(alone.latenciesMs, 0.99), 'ms');
    row('ordinary requests p50, beside matching events', quantile(benign.ordinary.latenciesMs, 0.5), 'ms');
    row('ordinary requests p99, beside matching events', quantile(benign.ordinary.latenciesMs, 0.99), 'ms');
    row('ordinary requests p50, beside ReDoS attempts', quantile(attacked.ordinary.latenciesMs, 0.5), 'ms');
    row('ordinary requests p99, beside ReDoS attempts', quantile(attacked.ordinary.latenciesMs, 0.99), 'ms');
    row('ReDoS attempts answered (each rejected by the schema)', attacked.stream.requests, 'requests');
    row('ReDoS attempts p99', quantile(attacked.stream.latenciesMs, 0.99), 'ms');
    row(`RE2 (re2js) match of ${EVIL_PATTERN} on 30×a+b`, re2Micros, 'µs');
    row(`V8 RegExp match of ${EVIL_PATTERN} on 22×a+b (not used)`, v8Ms22, 'ms');
    console.log('\nRatios');
    console.log(
      `  ${'batches of 100: limits on / off'.padEnd(62)} ${(b.on / b.off).toFixed(3)}  (target ≥ 0.95)`,
    );
    console.log(`  ${'single events: limits on / off'.padEnd(62)} ${(s.on / s.off).toFixed(3)}`);
    const p99 = (r: { latenciesMs: number[] }) => quantile(r.latenciesMs, 0.99);
    console.log(
      `  ${'ordinary p99: beside ReDoS attempts / beside matching events'.padEnd(62)} ${(
        p99(attacked.ordinary) / p99(benign.ordinary)
      ).toFixed(2)}`,
    );
    console.log(
      `  ${'ordinary p99: beside ReDoS attempts / alone'.padEnd(62)} ${(p99(attacked.ordinary) / p99(alone)).toFixed(2)}`,
    );
  } finally {
    await Promise.all([on.process.stop(), off.process.stop()]);
  }
}

/**
 * Ordinary traffic for `seconds` beside a stream of single-event requests whose `name` is
 * `name`: the same load whether it matches the pattern or is the ReDoS input, so the difference
 * between the two runs is what the pattern costs.
 */
async function besideStream(url: string, writeKey: string, seconds: number, name: string) {
  let running = true;
  const stream = sendSteady({
    ingestUrl: url,
    writeKey,
    eventsPerSecond: ATTACK_PER_SECOND,
    batchSize: 1,
    maxInFlight: 4,
    makeBatch: () => [{ ...makeEvent(0, 3, 'bench_redos'), data: { name } }],
    until: () => !running,
  });
  const ordinary = await steady(url, writeKey, seconds);
  running = false;
  const s = await stream;
  if ((s.statuses.get(200) ?? 0) !== s.requests) {
    throw new Error(`stream requests not all answered 200: ${JSON.stringify([...s.statuses])}`);
  }
  return { ordinary, stream: s };
}

async function steady(url: string, writeKey: string, seconds: number) {
  const end = performance.now() + seconds * 1000;
  const r = await sendSteady({
    ingestUrl: url,
    writeKey,
    eventsPerSecond: 2000,
    batchSize: 10,
    maxInFlight: 32,
    makeBatch: (i) => Array.from({ length: 10 }, (_, j) => makeEvent(i * 10 + j, 8, 'bench_plain')),
    until: () => performance.now() >= end,
  });
  if ((r.statuses.get(200) ?? 0) !== r.requests) {
    throw new Error(`ordinary requests not all answered 200: ${JSON.stringify([...r.statuses])}`);
  }
  return r;
}

async function startIngest(
  t: TestStack,
  name: string,
  env: Record<string, string>,
): Promise<{ url: string; process: ManagedProcess }> {
  const port = await freePort();
  const p = startProcess({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', join(REPO_ROOT, 'apps/ingest/src/main.ts')],
    cwd: REPO_ROOT,
    env: {
      ...t.stack.appEnv,
      ...clickhouseEnv(t),
      ...kafkaSaslEnv(t.stack.infra.kafkaCredentials, 'ingest'),
      PORT: String(port),
      ...env,
    },
    logFile: join(t.config.stateDir, 'logs', `${name}.log`),
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, process: p };
    if (p.child.exitCode !== null || Date.now() > deadline) {
      await p.stop();
      const tail = readFileSync(p.logFile, 'utf8').split('\n').slice(-15).join('\n');
      throw new Error(`${name} did not get ready; the end of ${p.logFile}:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function clickhouseEnv(t: TestStack): Record<string, string> {
  const u = asUser(t.stack.infra, 'ingest');
  return u.username ? { CLICKHOUSE_USER: u.username, CLICKHOUSE_PASSWORD: u.password ?? '' } : {};
}

async function registerEvilSchema(t: TestStack, ingestUrl: string): Promise<void> {
  const db = createDb(t.config.databaseUrl);
  // Only the console's principal may write the control topic.
  const producer = createProducer({
    brokers: t.stack.brokers.split(','),
    clientId: 'bench-redos',
    ...kafkaAs(t.stack.infra, 'console'),
  });
  try {
    await registerVersion(
      db,
      'bench_redos',
      { type: 'object', properties: { name: { type: 'string', pattern: EVIL_PATTERN } } },
      { actor: 'bench' },
    );
    await publishSubject(producer, topicNames(t.config.topicPrefix).control, db, 'bench_redos');
  } finally {
    await producer.close();
    await db.$disconnect();
  }
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(`${ingestUrl}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.stack.writeKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ event_type: 'bench_redos', data: { name: EVIL_INPUT } }),
    });
    const body = (await res.json()) as { results: Array<{ code?: string }> };
    if (body.results[0]?.code === 'schema_violation') return;
    if (Date.now() > deadline) throw new Error('ingest did not enforce the ReDoS schema within 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}
