import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClickHouse } from '@tributary/clickhouse';
import {
  encodeEventsMessage,
  topicNames,
  type Envelope,
  type ProcessorDefinitionInput,
} from '@tributary/contracts';
import { createProducer } from '@tributary/kafka';
import { asUser, kafkaAs } from '../../scripts/lib/stack.ts';
import type { TestStack } from '../../scripts/lib/test-stack.ts';
import { createBenchPublisher, startWorker, type BenchOptions } from './processor-rollout.ts';

// ~110 KB per message, at most 4 per send: one partition's record batch stays under the broker's 1 MB.
const EVENTS_PER_MESSAGE = 200;
const MESSAGES_PER_SEND = 4;
/** Messages per batch: ~20,000 events, the same for the bare and the full-chain run. */
const WORKER_MAX_BATCH = '100';
const SWITCHES = 10;
const WINDOW_MINUTES = 20;

const PLANS = ['free', 'pro', 'team'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];

/** The full chain: filter, user agent, geo-IP, pii hash, 1-minute tumbling aggregate. Versions differ in a filter that keeps everything. */
function fullChain(k: number): ProcessorDefinitionInput {
  return {
    inputs: { eventTypes: ['bench_exact'] },
    steps: [
      { id: 'valid', kind: 'filter', expression: `data.amount >= -${k}` },
      { id: 'ua', kind: 'enrich_ua' },
      { id: 'geo', kind: 'enrich_geo' },
      { id: 'pii', kind: 'pii_hash', fields: ['user_id'] },
      {
        id: 'per_minute',
        kind: 'aggregate',
        window: { type: 'tumbling', sizeSeconds: 60 },
        graceSeconds: 3600,
        groupBy: [
          { name: 'plan', field: 'data.plan' },
          { name: 'country', field: 'derived.geo.country' },
        ],
        measures: [
          { name: 'n', fn: 'count' },
          { name: 'ids', fn: 'uniq', field: 'event_id' },
          { name: 'amount', fn: 'sum', field: 'data.amount' },
        ],
      },
    ],
    output: { kind: 'aggregate', table: 'bench_exact' },
  };
}

/** Produces `n` events of `type` straight to the events topic, packed as ingest packs them. */
async function produce(t: TestStack, type: string, n: number, log: (m: string) => void, idPrefix = type) {
  const producer = createProducer({
    brokers: t.stack.brokers.split(','),
    clientId: `bench-exact-${type}`,
    ...kafkaAs(t.stack.infra, 'ingest'),
  });
  const topic = topicNames(t.config.topicPrefix).events;
  const base = Date.now() - WINDOW_MINUTES * 60_000;
  const step = (WINDOW_MINUTES * 60_000) / n;
  const received = new Date().toISOString();
  const started = performance.now();
  try {
    for (let i = 0; i < n; ) {
      const messages: Array<{ key: string; value: string }> = [];
      for (let m = 0; m < MESSAGES_PER_SEND && i < n; m++) {
        const items: string[] = [];
        const key = `${idPrefix}-${i}`;
        for (let j = 0; j < EVENTS_PER_MESSAGE && i < n; j++, i++) {
          const e: Envelope = {
            event_id: `${idPrefix}-${i}`,
            event_type: type,
            // In order within each message (so within each partition): no event is late.
            timestamp: new Date(base + Math.floor(i * step)).toISOString(),
            user_id: `user-${i % 5000}`,
            data: { plan: PLANS[i % 3]!, amount: i % 100, n: i },
            metadata: {
              ip: `${(i % 200) + 20}.${(i >> 3) % 250}.${i % 250}.${(i >> 5) % 250}`,
              user_agent: AGENTS[i % 4]!,
            },
            schema_version: null,
            source: 'bench',
            write_key_id: 'bench',
            received_at: received,
          };
          items.push(JSON.stringify(e));
        }
        messages.push({ key, value: encodeEventsMessage(items) });
      }
      await producer.send(topic, messages);
    }
  } finally {
    await producer.close();
  }
  log(`  produced ${n} ${type} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Exactness of an aggregate output under live version switches, and what the full step chain
 * costs against the bare worker, in one run:
 * 1. bare: a backlog of events with no processor, drained by a fresh worker process;
 * 2. full chain: a backlog of N events drained by a fresh worker running the full chain, with 10
 *    versions published while it drains; then the aggregate is compared, window by window and
 *    plan by plan, with a GROUP BY over the raw events.
 * Throughput is rows over the span of their inserted_at (the worker's own pace, not its start-up).
 */
export async function runProcessorExactnessBench(t: TestStack, opts: BenchOptions): Promise<void> {
  const n = Math.round(Number(process.env.BENCH_EXACT_EVENTS ?? 1_000_000) * opts.scale);
  const nBare = Math.round(n * 0.3);
  const { log } = opts;
  const ch = createClickHouse({
    url: t.stack.clickhouseUrl,
    database: t.config.clickhouseDatabase,
    ...asUser(t.stack.infra, 'admin'),
  });
  const one = async <T>(query: string): Promise<T> => {
    const rs = await ch.query({ query, format: 'JSONEachRow' });
    return (await rs.json<T>())[0]!;
  };
  // Distinct ids, not rows: a duplicate row must not pass for an event still to come.
  const stored = async (type: string) =>
    Number(
      (await one<{ n: string }>(`SELECT uniqExact(event_id) AS n FROM events WHERE event_type = '${type}'`))
        .n,
    );
  const rate = async (type: string) => {
    const r = await one<{ n: string; s: number }>(
      `SELECT count() AS n, (toUnixTimestamp64Milli(max(inserted_at)) - toUnixTimestamp64Milli(min(inserted_at))) / 1000 AS s
       FROM events WHERE event_type = '${type}'`,
    );
    return Number(r.n) / Number(r.s);
  };
  const waitStored = async (type: string, want: number, onProgress?: (have: number) => Promise<void>) => {
    const deadline = Date.now() + 30 * 60_000;
    for (;;) {
      const have = await stored(type);
      if (have >= want) return;
      if (onProgress) await onProgress(have);
      if (Date.now() > deadline) throw new Error(`${type}: ${have} of ${want} stored after 30 min`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const pub = createBenchPublisher(t);
  try {
    log(`processor exactness: bare worker on ${nBare} events`);
    await produce(t, 'bench_bare', nBare, log);
    const bare = await startWorker(t, 'exact-bare', { WORKER_MAX_BATCH });
    await waitStored('bench_bare', nBare);
    await bare.stop();
    const bareRate = await rate('bench_bare');

    log(`processor exactness: full chain on ${n} events, ${SWITCHES} version switches while draining`);
    await pub.create('bench_exact');
    const versions = [await pub.publish('bench_exact', fullChain(1))];
    await pub.relayNow();
    await produce(t, 'bench_exact', n, log);
    const worker = await startWorker(t, 'exact-chain', { WORKER_MAX_BATCH });
    const switchedAt: number[] = [];
    await waitStored('bench_exact', n, async (have) => {
      // The k-th switch once k/11 of the events are stored: spread over the whole drain.
      if (versions.length <= SWITCHES && have >= (versions.length * n) / (SWITCHES + 1)) {
        versions.push(await pub.publish('bench_exact', fullChain(versions.length + 1)));
        await pub.relayNow();
        switchedAt.push(have);
      }
    });
    await worker.stop();
    const chainRate = await rate('bench_exact');

    // Redelivery under switches: a worker SIGKILLed mid-drain leaves batches inserted but not
    // committed; its successor gets them again, with versions published in between.
    const nKill = Math.round(n * 0.2);
    log(
      `processor exactness: ${nKill} more events, 2 more switches, the worker SIGKILLed mid-drain and restarted`,
    );
    await produce(t, 'bench_exact', nKill, log, 'bench_exact-k');
    const before = n;
    let victim = await startWorker(t, 'exact-kill-1', { WORKER_MAX_BATCH, LOG_LEVEL: 'debug' });
    let killed = false;
    await waitStored('bench_exact', before + nKill, async (have) => {
      const done = have - before;
      if (versions.length === SWITCHES + 1 && done >= nKill * 0.25) {
        versions.push(await pub.publish('bench_exact', fullChain(versions.length + 1)));
        await pub.relayNow();
        switchedAt.push(have);
      }
      if (!killed && done >= nKill * 0.4) {
        killed = true;
        victim.kill('SIGKILL');
        await victim.exit;
        versions.push(await pub.publish('bench_exact', fullChain(versions.length + 1)));
        await pub.relayNow();
        switchedAt.push(have);
        victim = await startWorker(t, 'exact-kill-2', { WORKER_MAX_BATCH, LOG_LEVEL: 'debug' });
      }
    });
    await victim.stop();

    const raw = await rowsOf(
      ch,
      `SELECT toUnixTimestamp(toStartOfMinute(timestamp)) AS w, toString(data.plan) AS plan, count() AS n,
              uniqExact(event_id) AS ids, sum(toInt64OrZero(toString(data.amount))) AS amount
       FROM events WHERE event_type = 'bench_exact' GROUP BY w, plan`,
    );
    const agg = await rowsOf(
      ch,
      `SELECT toUnixTimestamp(window_start) AS w, plan, countMerge(n) AS n, uniqExactMerge(ids) AS ids,
              toString(sumMerge(amount)) AS amount
       FROM proc_bench_exact WHERE run = '' GROUP BY w, plan`,
    );
    let equal = 0;
    let unequal = 0;
    for (const [key, r] of raw) {
      const a = agg.get(key);
      if (a && a.n === r.n && a.ids === r.ids && a.amount === r.amount) equal++;
      else unequal++;
    }
    const onlyInAggregate = [...agg.keys()].filter((k) => !raw.has(k)).length;
    const totals = await one<{ n: string; ids: string }>(
      `SELECT toString(countMerge(n)) AS n, toString(uniqExactMerge(ids)) AS ids FROM proc_bench_exact WHERE run = ''`,
    );
    const rawTotals = await one<{ n: string; ids: string }>(
      `SELECT toString(count()) AS n, toString(uniqExact(event_id)) AS ids FROM events WHERE event_type = 'bench_exact'`,
    );
    const byVersion = await rowsOf(
      ch,
      `SELECT toString(processor_version) AS w, '' AS plan, countMerge(n) AS n, 0 AS ids, '0' AS amount
       FROM proc_bench_exact WHERE run = '' GROUP BY processor_version`,
    );
    const dupRows = await one<{ n: string; lo: string; hi: string }>(
      `SELECT toString(count()) AS n, min(event_id) AS lo, max(event_id) AS hi FROM (
         SELECT event_id FROM events WHERE event_type = 'bench_exact' GROUP BY event_id HAVING count() > 1)`,
    );
    if (Number(dupRows.n) > 0) log(`  events stored twice: ${dupRows.n} (ids ${dupRows.lo} … ${dupRows.hi})`);
    const twice = Number(totals.n) - Number(totals.ids);
    const lost = Number(rawTotals.ids) - Number(totals.ids);

    console.log(
      '\nprocessor exactness: aggregate output vs GROUP BY over the raw events (per minute × plan)',
    );
    console.log(`  events                      ${n} (raw rows ${rawTotals.n}, distinct ${rawTotals.ids})`);
    console.log(
      `  versions published          ${versions.length} (${versions.length - 1} switches while draining, at ${switchedAt.join(', ')} stored)`,
    );
    console.log(`  windows × plans equal       ${equal}`);
    console.log(`  windows × plans unequal     ${unequal} (+ ${onlyInAggregate} only in the aggregate)`);
    console.log(`  events counted by 2 versions ${twice}`);
    console.log(`  events lost                 ${lost}`);
    console.log(
      `  events per version          ${[...byVersion.entries()]
        .sort((a, b) => Number(a[0].split('|')[0]) - Number(b[0].split('|')[0]))
        .map(([k, r]) => `v${k.split('|')[0]}: ${r.n}`)
        .join(', ')}`,
    );
    console.log('\nworker throughput (one worker process, batches of ~20,000 events)');
    console.log(`  bare worker                 ${Math.round(bareRate)} events/s (${nBare} events)`);
    console.log(`  full step chain             ${Math.round(chainRate)} events/s (${n} events)`);
    console.log(
      `  full chain / bare           ${((100 * chainRate) / bareRate).toFixed(0)} %   (target ≥ 50 %)`,
    );
  } finally {
    // The stack's state directory goes at exit: the workers' logs are kept for a look afterwards.
    const kept = join(tmpdir(), `tributary-bench-exactness-logs-${process.pid}`);
    mkdirSync(kept, { recursive: true });
    const logs = join(t.config.stateDir, 'logs');
    for (const f of readdirSync(logs)) if (f.startsWith('exact-')) copyFileSync(join(logs, f), join(kept, f));
    log(`worker logs kept in ${kept}`);
    await pub.close();
    await ch.close();
  }
}

interface CellRow {
  n: string;
  ids: string;
  amount: string;
}

/** Rows keyed by `w|plan`, numbers compared as normalised text. */
async function rowsOf(ch: ReturnType<typeof createClickHouse>, query: string): Promise<Map<string, CellRow>> {
  const rs = await ch.query({ query, format: 'JSONEachRow' });
  const out = new Map<string, CellRow>();
  for (const r of await rs.json<{
    w: string | number;
    plan: string;
    n: string | number;
    ids: string | number;
    amount: string | number;
  }>()) {
    out.set(`${r.w}|${r.plan}`, {
      n: String(Number(r.n)),
      ids: String(Number(r.ids)),
      amount: String(Number(r.amount)),
    });
  }
  return out;
}
