import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createClickHouse, migrate, selectRows, type QueryTarget } from '@tributary/clickhouse';
import { MAX_REPLAY_RATE, topicNames, topicSpecs, type DlqFilter } from '@tributary/contracts';
import { createDb, DEMO_SOURCE_NAME } from '@tributary/db';
import { loadPiiPaths, loadRules, type ReplayableEntry } from '@tributary/dlq';
import { createAdmin, type KafkaSasl } from '@tributary/kafka';
import { z } from 'zod';
import { CODE_COUNT, createGenerator, DAY_MS, EVENT_TYPES, REASON_COUNT } from './dlq-data.ts';
import { alternativeLister, selectionPass, unmergedCopy } from './dlq-alternatives.ts';
import { libraryLister, listShapes, timeGroupShapes, timeListShapes } from './dlq-queries.ts';
import { benchReplay } from './dlq-replay.ts';
import { formatTimings, type Timing } from './dlq-stats.ts';

/** Issue 4's targets. */
const TARGET_P95_MS = 1000;
const TARGET_REPLAY_PER_SEC = 5000;
const CHUNK = 100_000;

export interface DlqBenchEnv {
  brokers: string[];
  /** The stack's Kafka admin login (its broker runs SASL/SCRAM with ACLs). */
  sasl?: KafkaSasl;
  clickhouseUrl: string;
  /** The section loads into a database of its own named after this one. */
  clickhouseDatabase: string;
  /** Migrated and seeded (seedDemo): the replay's job row, rules and demo write key live here. */
  databaseUrl: string;
  /** Topics of the section get this prefix plus `dlq.`: no worker of the stack reads them. */
  topicPrefix: string;
  log: (m: string) => void;
}

/**
 * The dead-letter store at 1,000,000 entries: load, the console's queries (p50/p95/max), a
 * replay of the 100,000 replayable entries against the real broker beside the raw producer.
 * Sizes: BENCH_DLQ_ROWS (default 1,000,000; a tenth of them are replayable), BENCH_DLQ_RUNS
 * (timed runs per query, default 20); BENCH_DLQ_VARIANTS=0 skips the other query shapes.
 */
export async function runDlqBench(env: DlqBenchEnv): Promise<void> {
  const rows = Number(process.env.BENCH_DLQ_ROWS ?? 1_000_000);
  const runs = Number(process.env.BENCH_DLQ_RUNS ?? 20);
  const { log } = env;
  const database = `${env.clickhouseDatabase}_dlq`;
  const prefix = `${env.topicPrefix}dlq.`;
  const client = createClickHouse({ url: env.clickhouseUrl, requestTimeoutMs: 600_000 });
  const target: QueryTarget = { client, database };
  const admin = createAdmin({ brokers: env.brokers, sasl: env.sasl, clientId: 'bench-dlq-setup' });
  const db = createDb(env.databaseUrl);
  try {
    await migrate({ client, database });
    await admin.ensureTopics(topicSpecs(prefix));
    const demoKey = await db.writeKey.findFirst({
      where: { source: { name: DEMO_SOURCE_NAME } },
      orderBy: { createdAt: 'desc' },
    });
    if (!demoKey) throw new Error('the database has no demo write key (seedDemo not run?)');

    // --- load ---------------------------------------------------------------------------
    const now = Date.now();
    const gen = createGenerator({ now, demoWriteKeyId: demoKey.id, eventsTopic: topicNames(prefix).events });
    log(
      `loading ${rows.toLocaleString('en-US')} dead letters (${CODE_COUNT} codes, ${REASON_COUNT} reasons) in chunks of ${CHUNK.toLocaleString('en-US')}`,
    );
    let genMs = 0;
    let insertMs = 0;
    let statusRows = 0;
    const sample: ReplayableEntry[] = [];
    for (let start = 0; start < rows; start += CHUNK) {
      const g0 = performance.now();
      const chunk = gen.chunk(start, Math.min(CHUNK, rows - start));
      genMs += performance.now() - g0;
      if (sample.length === 0) {
        sample.push(
          ...chunk.rows
            .filter((r) => r.source === DEMO_SOURCE_NAME && r.stage === 'ingest')
            .slice(0, 1000)
            .map((r) => ({ ...r, failed_at: iso(r.failed_at), first_failed_at: iso(r.first_failed_at) })),
        );
      }
      const i0 = performance.now();
      await client.insert({ table: `${database}.dead_letters`, values: chunk.rows, format: 'JSONEachRow' });
      if (chunk.statuses.length > 0)
        await client.insert({
          table: `${database}.dead_letter_status`,
          values: chunk.statuses,
          format: 'JSONEachRow',
        });
      insertMs += performance.now() - i0;
      statusRows += chunk.statuses.length;
    }
    const loadPerSec = rows / (insertMs / 1000);
    log(
      `loaded: generating ${(genMs / 1000).toFixed(1)} s, inserting ${(insertMs / 1000).toFixed(1)} s (${Math.round(loadPerSec).toLocaleString('en-US')} rows/s)`,
    );
    const partsBefore = await activeParts(target);
    // A store filled over 14 days has had its parts merged; a fresh bulk load has not.
    const o0 = performance.now();
    await client.command({ query: `OPTIMIZE TABLE ${database}.dead_letters FINAL` });
    await client.command({ query: `OPTIMIZE TABLE ${database}.dead_letter_status FINAL` });
    const optimizeMs = performance.now() - o0;
    const partsAfter = await activeParts(target);
    const [stored] = await selectRows(
      target,
      `SELECT count() AS n, uniqExact(id) AS ids, round(avg(length(payload))) AS payload,
         countIf(failed_at >= now64(3) - INTERVAL 1 DAY) AS day FROM {db:Identifier}.dead_letters`,
      {},
      z.object({
        n: z.coerce.number(),
        ids: z.coerce.number(),
        payload: z.coerce.number(),
        day: z.coerce.number(),
      }),
    );
    if (stored?.n !== rows || stored.ids !== rows)
      throw new Error(`dead_letters holds ${stored?.n} rows / ${stored?.ids} ids, expected ${rows}`);
    const size = await tableSize(target);
    log(
      `OPTIMIZE … FINAL ${(optimizeMs / 1000).toFixed(1)} s: parts ${partsBefore} → ${partsAfter}; ${stored.day.toLocaleString('en-US')} entries in the last 24 h; payload avg ${stored.payload} B; ${size}`,
    );

    // --- queries -------------------------------------------------------------------------
    const pii = { paths: await loadPiiPaths(db), reveal: false };
    const shapes = listShapes(now);
    log(`console queries: ${runs} timed runs each after one warm-up`);
    const lists = await timeListShapes(libraryLister(target, pii), shapes, runs, log);
    // A viewer who may not see pii searches the payload with pii values masked: the cost of
    // that check, with three pii paths (one through an array) on every event type.
    const piiEverywhere = {
      paths: new Map(EVENT_TYPES.map((t) => [t, ['/items/sku', '/path', '/session_id']])),
      reveal: false,
    };
    const lockedText = await timeListShapes(
      libraryLister(target, piiEverywhere),
      shapes.filter((s) => s.name.includes('payload text')),
      runs,
      log,
      ' [pii masked: 3 paths on every type]',
    );
    const groups = await timeGroupShapes(target, now, runs, log);

    // --- variants (other query shapes beside the library's) ----------------------------------
    const variants = process.env.BENCH_DLQ_VARIANTS !== '0';
    let earlier: Timing[] = [];
    let unmerged: { parts: number; rows: Timing[] } | null = null;
    const replayFilter: DlqFilter = {
      from: new Date(now - 14 * DAY_MS).toISOString(),
      stages: ['ingest'],
      source: DEMO_SOURCE_NAME,
    };
    const passes: Array<{ name: string; ms: number; entries: number; pages: number }> = [];
    if (variants) {
      log('variant: page with LIMIT 1 BY id, total by uniqExact(id) (the earlier shape)');
      earlier = await timeListShapes(
        alternativeLister(target, { limitBy: true, count: 'uniqExact' }),
        shapes,
        runs,
        log,
        ' [earlier]',
      );
      log('variant: the same store copied with merges stopped');
      const copy = await unmergedCopy(target);
      const some = shapes.filter((s) => /no filter, 14 d|pending|~3 %/.test(s.name));
      unmerged = {
        parts: copy.parts,
        rows: [
          ...(await timeListShapes(libraryLister(copy.target, pii), some, runs, log, ' [library]')),
          ...(await timeListShapes(
            alternativeLister(copy.target, { limitBy: true, count: 'uniqExact' }),
            some,
            runs,
            log,
            ' [earlier]',
          )),
          ...(await timeListShapes(
            alternativeLister(copy.target, { limitBy: false, count: 'count' }),
            some,
            runs,
            log,
            ' [count() without FINAL: overcounts copies]',
          )),
        ],
      };
      await client.command({ query: `DROP DATABASE IF EXISTS ${copy.target.database}` });
      log('variant: reading the replay selection in pages of 2000, with and without LIMIT 1 BY id');
      for (const limitBy of [true, false, true, false]) {
        const p = await selectionPass(target, replayFilter, 2000, limitBy);
        passes.push({
          name: limitBy ? 'pages with LIMIT 1 BY id (earlier)' : 'pages without LIMIT 1 BY id (library)',
          ...p,
        });
      }
    }

    // --- replay --------------------------------------------------------------------------
    const rules = await loadRules(db);
    const replay = await benchReplay({
      target,
      db,
      brokers: env.brokers,
      sasl: env.sasl,
      topicPrefix: prefix,
      filter: replayFilter,
      rate: MAX_REPLAY_RATE,
      expected: Math.ceil(rows / 10),
      rules,
      sample,
      log,
    });

    // --- report --------------------------------------------------------------------------
    const n = (v: number) => Math.round(v).toLocaleString('en-US');
    console.log(`\nDead-letter store — one run on this machine (${n(rows)} entries)\n`);
    console.log(
      `  load: ${n(rows)} entries + ${n(statusRows)} status rows, JSONEachRow in chunks of ${n(CHUNK)}: insert ${(insertMs / 1000).toFixed(1)} s (${n(loadPerSec)} rows/s), generation ${(genMs / 1000).toFixed(1)} s, OPTIMIZE FINAL ${(optimizeMs / 1000).toFixed(1)} s`,
    );
    console.log(
      `\n  Console queries (listEntries / listGroups as the console calls them, ${runs} runs each)\n`,
    );
    console.log(formatTimings([...lists, ...lockedText, ...groups], TARGET_P95_MS));
    if (variants) {
      console.log(
        '\n  Earlier list query (LIMIT 1 BY id in the query; total by uniqExact(id)), for comparison\n',
      );
      console.log(formatTimings(earlier, TARGET_P95_MS));
      if (unmerged) {
        console.log(`\n  Same store copied with merges stopped (${unmerged.parts} parts instead of 15)\n`);
        console.log(formatTimings(unmerged.rows, TARGET_P95_MS));
      }
      console.log(
        `\n  Reading the replay selection (${n(passes[0]?.entries ?? 0)} entries) in pages of 2000, nothing sent\n`,
      );
      for (const p of passes)
        console.log(
          `  ${p.name.padEnd(44)} ${(p.ms / 1000).toFixed(2).padStart(6)} s  ${n((p.entries / p.ms) * 1000).padStart(8)} entries/s  (${p.pages} pages)`,
        );
    }
    const r = replay.replay;
    console.log(
      `\n  Replay (queued, run by a replay runner, filter selection, rate ${n(MAX_REPLAY_RATE)}/s, real broker)\n`,
    );
    console.log(
      `  ${'replay'.padEnd(58)} ${n(replay.eventsPerSec).padStart(8)} events/s  ${replay.eventsPerSec >= TARGET_REPLAY_PER_SEC ? 'PASS' : 'MISS'} (target ≥ ${n(TARGET_REPLAY_PER_SEC)})`,
    );
    console.log(
      `  ${''.padEnd(58)} processed ${n(r.processed)} in ${replay.wallSeconds.toFixed(1)} s; sent ${n(r.sent)}, failed again ${n(r.failedAgain)}; envelope ${replay.envelopeBytes} B`,
    );
    const sp = replay.spent;
    const other = replay.wallSeconds * 1000 - sp.selects - sp.statusInserts - sp.sends - sp.counts;
    console.log(
      `  ${''.padEnd(58)} time: page reads ${(sp.selects / 1000).toFixed(1)} s, status inserts ${(sp.statusInserts / 1000).toFixed(1)} s, Kafka sends ${(sp.sends / 1000).toFixed(1)} s, count ${(sp.counts / 1000).toFixed(1)} s, rest ${(other / 1000).toFixed(1)} s (checks, JSON, Postgres job row)`,
    );
    console.log(
      `  ${'raw producer, same size, batches of 1000, 1 in flight'.padEnd(58)} ${n(replay.rawPerSec.concurrency1).padStart(8)} events/s`,
    );
    console.log(
      `  ${'raw producer, same size, batches of 1000, 4 in flight'.padEnd(58)} ${n(replay.rawPerSec.concurrency4).padStart(8)} events/s`,
    );
    console.log(
      `  ${'replay / raw producer (1 in flight)'.padEnd(58)} ${(replay.eventsPerSec / replay.rawPerSec.concurrency1).toFixed(2).padStart(8)}`,
    );
    console.log('\n  Checks after the replay\n');
    for (const c of replay.checks)
      console.log(
        `  ${c.what.padEnd(58)} want ${n(c.want).padStart(8)}  got ${n(c.got).padStart(8)}  ${c.want === c.got ? 'ok' : 'MISMATCH'}`,
      );
    console.log(
      `\n  load average: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (2 cores, shared)`,
    );
  } finally {
    await admin
      .deleteTopics(
        topicSpecs(prefix)
          .map((t) => t.name)
          .concat(`${prefix}bench-raw`),
      )
      .catch(() => {});
    await admin.close();
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` }).catch(() => {});
    await client.close();
    await db.$disconnect();
  }
}

const iso = (clickhouseTime: string) => `${clickhouseTime.replace(' ', 'T')}Z`;

async function activeParts(target: QueryTarget): Promise<number> {
  const [r] = await selectRows(
    target,
    `SELECT count() AS n FROM system.parts WHERE database = {db:String} AND table = 'dead_letters' AND active`,
    {},
    z.object({ n: z.coerce.number() }),
  );
  return r?.n ?? 0;
}

async function tableSize(target: QueryTarget): Promise<string> {
  const [r] = await selectRows(
    target,
    `SELECT sum(data_compressed_bytes) AS c, sum(data_uncompressed_bytes) AS u FROM system.parts
     WHERE database = {db:String} AND table = 'dead_letters' AND active`,
    {},
    z.object({ c: z.coerce.number(), u: z.coerce.number() }),
  );
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
  return r ? `on disk ${mb(r.c)} (${mb(r.u)} uncompressed)` : '';
}
