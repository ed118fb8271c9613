import { performance } from 'node:perf_hooks';
import type { ProcessorEvent } from '@tributary/contracts';
import {
  compileProcessor,
  countryOfIp,
  createMemoryDedupeStore,
  preloadGeoDatabase,
  processorEventOf,
  type CompiledProcessor,
} from '../../packages/pipeline/src/index.ts';
import { compileExpression } from '../../packages/pipeline/src/processors/expressions.ts';
import {
  parseUncached,
  parseUserAgent,
} from '../../packages/pipeline/src/processors/steps/parse-user-agent.ts';

/**
 * npm run bench -- processor-steps: the processor steps alone, in this process (no stack).
 * Each figure is the median of 5 rounds after a warm-up round; sizes scale with BENCH_SCALE.
 */

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];

/** Deterministic pseudo-random numbers, so every run measures the same inputs. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function publicIpv4(r: () => number): string {
  // First octet 1–223, skipping 10 and 127: mostly public unicast.
  let a = 1 + Math.floor(r() * 223);
  if (a === 10 || a === 127) a = 11;
  return `${a}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}`;
}

function makeEvents(n: number, seed = 7): ProcessorEvent[] {
  const r = rng(seed);
  const plans = ['free', 'pro', 'team', 'enterprise'];
  const start = Date.parse('2026-12-01T10:00:00Z');
  return Array.from({ length: n }, (_, i) =>
    processorEventOf({
      event_id: `evt-${i}`,
      event_type: 'signup',
      source: 'web',
      // Mostly in order, a few seconds of jitter: like a real partition.
      timestamp: new Date(start + i * 10 + Math.floor(r() * 3000)).toISOString(),
      user_id: `user-${Math.floor(r() * 5000)}`,
      received_at: new Date(start + i * 10 + 5000).toISOString(),
      data: {
        plan: plans[i % plans.length]!,
        amount: Math.round(r() * 10000) / 100,
        email: `user${i}@example.com`,
      },
      metadata: { ip: publicIpv4(r), user_agent: USER_AGENTS[Math.floor(r() * USER_AGENTS.length)]! },
    }),
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median ms of `rounds` runs of f after one warm-up run. */
function timeIt(f: () => void, rounds = 5): number {
  f();
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

async function timeItAsync(f: () => Promise<void>, rounds = 5): Promise<number> {
  await f();
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

function compileOrThrow(definition: unknown): CompiledProcessor {
  const r = compileProcessor(definition, { piiSecret: 'bench-secret' });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.processor;
}

export async function runProcessorStepsBench(opts: {
  scale: number;
  log: (m: string) => void;
}): Promise<void> {
  const { scale, log } = opts;
  const figures: Array<[string, string, string]> = [];
  const fmt = (n: number, digits = 2) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
  const pool = makeEvents(10_000);

  // Filter: one compiled CEL expression evaluated per event.
  const expr = compileExpression('data.plan == "pro" && data.amount > 10.0');
  if (!expr.ok) throw new Error(expr.message);
  const nFilter = Math.round(1_000_000 * scale);
  let kept = 0;
  const filterMs = timeIt(() => {
    for (let i = 0; i < nFilter; i++) {
      const v = expr.expression.evaluate(pool[i % pool.length]!);
      if (v.ok && v.value === true) kept++;
    }
  });
  figures.push([
    'filter (CEL, `data.plan == "pro" && data.amount > 10.0`)',
    `${fmt(nFilter / (filterMs / 1000), 0)} evals/s`,
    'target ≥ 1,000,000',
  ]);
  log(`filter: ${nFilter} evaluations in ${fmt(filterMs)} ms (${kept} kept over all rounds)`);

  // UA: cached (a few distinct strings, as real traffic) and uncached (a parse every time).
  const nUa = Math.round(500_000 * scale);
  for (const ua of USER_AGENTS) parseUserAgent(ua);
  const uaCachedMs = timeIt(() => {
    for (let i = 0; i < nUa; i++) parseUserAgent(USER_AGENTS[i % USER_AGENTS.length]!);
  });
  const nUaCold = Math.round(20_000 * scale);
  const uaColdMs = timeIt(() => {
    for (let i = 0; i < nUaCold; i++) parseUncached(USER_AGENTS[i % USER_AGENTS.length]!);
  });
  figures.push([
    'UA parse, cached (LRU by string)',
    `${fmt((uaCachedMs * 1000) / nUa, 3)} µs`,
    'target ≤ 10 µs',
  ]);
  figures.push([
    'UA parse, uncached (ua-parser-js 1.x + isbot)',
    `${fmt((uaColdMs * 1000) / nUaCold, 1)} µs`,
    '',
  ]);

  // Geo: load once, then lookups of random public IPv4 (and some IPv6) addresses.
  let t0 = performance.now();
  const loaded = preloadGeoDatabase();
  const loadMs = performance.now() - t0;
  t0 = performance.now();
  countryOfIp('2001:2::1');
  const load6Ms = performance.now() - t0;
  const r = rng(11);
  const ips = Array.from({ length: 100_000 }, () => publicIpv4(r));
  const ips6 = Array.from(
    { length: 10_000 },
    () =>
      `2a0${Math.floor(r() * 10)}:${Math.floor(r() * 65536).toString(16)}::${Math.floor(r() * 65536).toString(16)}`,
  );
  const nGeo = Math.round(1_000_000 * scale);
  let found = 0;
  const geoMs = timeIt(() => {
    for (let i = 0; i < nGeo; i++) if (countryOfIp(ips[i % ips.length]!) !== null) found++;
  });
  const nGeo6 = Math.round(200_000 * scale);
  const geo6Ms = timeIt(() => {
    for (let i = 0; i < nGeo6; i++) countryOfIp(ips6[i % ips6.length]!);
  });
  figures.push([
    'geo IPv4 → country (binary search)',
    `${fmt((geoMs * 1000) / nGeo, 3)} µs`,
    'target ≤ 2 µs',
  ]);
  figures.push(['geo IPv6 → country', `${fmt((geo6Ms * 1000) / nGeo6, 3)} µs`, '']);
  figures.push([
    'geo tables loaded (first lookup)',
    `IPv4 ${fmt(loadMs, 0)} ms (${fmt(loaded.ipv4Ranges, 0)} ranges), IPv6 ${fmt(load6Ms, 0)} ms`,
    '',
  ]);
  log(`geo: ${found} of ${nGeo * 6} lookups found a country`);

  // Full chain vs a bare copy, in batches of 500 as a worker runs them.
  const chain = compileOrThrow({
    inputs: {},
    steps: [
      { id: 'not_free', kind: 'filter', expression: 'data.plan != "free"' },
      { id: 'ua', kind: 'enrich_ua' },
      { id: 'geo', kind: 'enrich_geo' },
      { id: 'pii', kind: 'pii_hash', fields: ['data.email', 'user_id'] },
      {
        id: 'by_country',
        kind: 'aggregate',
        window: { type: 'tumbling', sizeSeconds: 60 },
        graceSeconds: 3600,
        groupBy: [{ name: 'country', field: 'derived.geo.country' }],
        measures: [
          { name: 'events', fn: 'count' },
          { name: 'revenue', fn: 'sum', field: 'data.amount' },
        ],
      },
    ],
    output: { kind: 'aggregate', table: 'signups_by_country' },
  });
  const passThrough = compileOrThrow({
    inputs: {},
    steps: [{ id: 'all', kind: 'filter', expression: 'true' }],
    output: { kind: 'events' },
  });
  const batchSize = 500;
  const nChain = Math.round(100_000 * scale);
  const chainEvents = makeEvents(nChain, 13);
  const batches: ProcessorEvent[][] = [];
  for (let i = 0; i < chainEvents.length; i += batchSize) batches.push(chainEvents.slice(i, i + batchSize));
  const dedupe = createMemoryDedupeStore();
  let sink = 0;
  const bareMs = timeIt(() => {
    for (const b of batches) {
      const copies = b.map((e) => ({ ...e, data: { ...e.data }, metadata: { ...e.metadata }, derived: {} }));
      sink += copies.length;
    }
  });
  const runAll = (p: CompiledProcessor) => async () => {
    const watermark = { eventTimeMs: Number.NEGATIVE_INFINITY };
    for (const b of batches)
      sink += (await p.runBatch(b, { dedupe, scope: 'bench', watermark })).contributions.length;
  };
  const passMs = await timeItAsync(runAll(passThrough));
  const chainMs = await timeItAsync(runAll(chain));
  const perStep = await chain.runBatch(batches[0]!, { dedupe, scope: 'bench', measure: true });
  const per = (ms: number) => (ms * 1000) / nChain;
  figures.push(['bare copy of the event (spread data/metadata)', `${fmt(per(bareMs), 3)} µs/event`, '']);
  figures.push(['runBatch with one `true` filter', `${fmt(per(passMs), 3)} µs/event`, '']);
  figures.push([
    'full chain: filter + UA + geo + pii (2 fields) + 1-min count/sum by country',
    `${fmt(per(chainMs), 3)} µs/event (${fmt(nChain / (chainMs / 1000), 0)} events/s)`,
    '',
  ]);
  figures.push([
    '  per step, one batch of 500',
    perStep.steps.map((s) => `${s.id} ${fmt(s.micros / Math.max(1, s.in), 2)} µs`).join(', '),
    '',
  ]);
  log(`chain: ${nChain} events in batches of ${batchSize} (${sink} outputs counted)`);

  const w = Math.max(...figures.map((f) => f[0].length));
  console.log('\nprocessor steps (one process, medians of 5 rounds)');
  for (const [name, value, target] of figures)
    console.log(`  ${name.padEnd(w)}  ${value}${target ? `   (${target})` : ''}`);
}
