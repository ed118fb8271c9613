import { randomBytes } from 'node:crypto';
import { createClickHouse } from '@tributary/clickhouse';
import type { DashboardDefinitionInput, DashboardPanelQuery } from '@tributary/contracts';
import { createDb, createUser } from '@tributary/db';
import { Redis } from 'ioredis';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { CHROMIUM_LAUNCH } from '../../scripts/lib/chromium.ts';
import { gib, loadSyntheticEvents, rssSampler, waitForMerges } from './dashboards.ts';

/**
 * `npm run bench -- dashboard-render`: how long a 12-panel dashboard takes to show, in the
 * browser the e2e tests use (Debian's chromium through playwright-core), against the real
 * console (`next build` + `next start`) over N = 10M × BENCH_SCALE synthetic events.
 *
 * Measured: navigation start (the document's timeOrigin) → every one of the 12 panels shows its
 * data (`data-state="ready"`, and a chart panel has drawn its marks: line, area, bars or pie
 * sectors; a table its rows; a stat its figure). The time is read in the page when that first
 * holds (checked every animation frame), so Playwright's round trips are not in it.
 * - cold: the first ever load: new browser profile, a console process that has served no
 *   dashboard yet, empty panel cache, ClickHouse caches as the loader left them. One figure.
 * - uncached: a new browser context (no HTTP cache) and the console's panel cache emptied before
 *   each run, so all 12 panel queries run in ClickHouse every time.
 * - warm: the same browser context reloading within one cache bucket: bundles from the HTTP
 *   cache, panel results from the shared cache (how many were shared is printed).
 * Target: ≤ 1.5 s (issue 11).
 */
export interface DashboardRenderBenchOptions {
  webUrl: string;
  apiKey: string;
  databaseUrl: string;
  clickhouseUrl: string;
  clickhouseAuth: { username?: string; password?: string };
  database: string;
  redisUrl: string;
  redisPrefix: string;
  scale: number;
  clickhousePid?: number;
  runs?: number;
  log: (m: string) => void;
}

const HOUR = 3600_000;
const TARGET_MS = 1500;
const CHROMIUM = { ...CHROMIUM_LAUNCH, headless: true };

type Viz = 'line' | 'area' | 'bar' | 'table' | 'stat' | 'pie';
const events = { kind: 'events' as const, eventTypes: [] as string[] };

/**
 * Twelve panels, every kind of chart; seven the rollups answer (count and unique users by type or
 * source: with the 1-minute refresh the range is minute-aligned) and five that must read raw
 * events (a measure of data.amount, a filter on it, uniq of a field).
 */
type BenchPanelQuery = { measure: DashboardPanelQuery['measure'] } & Partial<
  Pick<DashboardPanelQuery, 'groupBy' | 'filters' | 'interval'>
>;
const PANELS: { title: string; viz: Viz; query: BenchPanelQuery }[] = [
  { title: 'Events by type', viz: 'line', query: { measure: { fn: 'count' }, groupBy: ['event_type'] } },
  { title: 'Events by source', viz: 'area', query: { measure: { fn: 'count' }, groupBy: ['source'] } },
  { title: 'Users per hour', viz: 'bar', query: { measure: { fn: 'unique_users' }, interval: 3600 } },
  { title: 'Events', viz: 'stat', query: { measure: { fn: 'count' } } },
  { title: 'Users now', viz: 'stat', query: { measure: { fn: 'unique_users' } } },
  { title: 'Share by source', viz: 'pie', query: { measure: { fn: 'count' }, groupBy: ['source'] } },
  { title: 'Types', viz: 'table', query: { measure: { fn: 'count' }, groupBy: ['event_type'] } },
  {
    title: 'Amount',
    viz: 'line',
    query: { measure: { fn: 'sum', field: 'data.amount' } },
  },
  {
    title: 'Average amount by source',
    viz: 'bar',
    query: { measure: { fn: 'avg', field: 'data.amount' }, groupBy: ['source'], interval: 3600 },
  },
  { title: 'p95 amount', viz: 'stat', query: { measure: { fn: 'p95', field: 'data.amount' } } },
  {
    title: 'Large orders by type',
    viz: 'area',
    query: {
      measure: { fn: 'count' },
      groupBy: ['event_type'],
      filters: [{ field: 'data.amount', op: '>=', value: 90 }],
    },
  },
  {
    title: 'Users by source',
    viz: 'table',
    query: { measure: { fn: 'uniq', field: 'user_id' }, groupBy: ['source'] },
  },
];

function definition(): DashboardDefinitionInput {
  return {
    range: '24h',
    // NOTE: the panel cache bucket is the refresh interval; 60 s makes the range minute-aligned,
    // so the rollup-eligible panels are answered by the 1-minute rollup as in a real console.
    refreshSeconds: 60,
    panels: PANELS.map((p, i) => ({
      id: `p${i + 1}`,
      title: p.title,
      viz: p.viz,
      query: { source: events, ...p.query },
      layout: { x: (i % 4) * 3, y: Math.floor(i / 4) * 4, w: 3, h: 4 },
    })),
  };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** The little of the DOM the page-side check reads (the bench compiles without the DOM types). */
interface PanelElement {
  dataset: Record<string, string | undefined>;
  innerText: string;
  querySelector(selector: string): unknown;
}

/**
 * Runs in the page (Playwright sends its source; the console's CSP forbids evaluating strings):
 * when all `n` panels show their data, the time since navigation start, how many panels got a
 * shared result, and their sources; false until then.
 */
function readyInPage(n: number) {
  const page = globalThis as unknown as {
    document: { querySelectorAll(selector: string): ArrayLike<PanelElement> };
    performance: {
      now(): number;
      getEntriesByType(
        type: string,
      ): { name: string; startTime: number; responseEnd: number; domContentLoadedEventEnd?: number }[];
    };
  };
  const marks: Record<string, string> = {
    line: '.recharts-line-curve',
    area: '.recharts-area-area',
    bar: '.recharts-bar-rectangle',
    pie: '.recharts-pie-sector',
    table: '[data-testid="panel-row"]',
    stat: '[data-testid="stat-value"]',
  };
  const panels = Array.from(page.document.querySelectorAll('[data-testid="panel"]'));
  const failed = panels.find((p) => p.dataset.state === 'error');
  if (failed) return { error: `panel ${failed.dataset.panel} failed: ${failed.innerText.slice(0, 300)}` };
  if (panels.length < n) return false;
  const ready = panels.every(
    (p) =>
      p.dataset.state === 'ready' && p.querySelector(marks[p.dataset.viz ?? ''] ?? '[data-never]') !== null,
  );
  if (!ready) return false;
  const ms = page.performance.now();
  // Where the time went: the document, the bundles run (first data request), the data back.
  const nav = page.performance.getEntriesByType('navigation')[0];
  const api = page.performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/trpc/'));
  return {
    ms,
    shared: panels.filter((p) => /shared result/.test(p.innerText)).length,
    sources: panels.map((p) => p.dataset.source ?? ''),
    phases: {
      html: nav?.responseEnd ?? NaN,
      dcl: nav?.domContentLoadedEventEnd ?? NaN,
      firstData: Math.min(...api.map((e) => e.startTime)),
      lastData: Math.max(...api.map((e) => e.responseEnd)),
      requests: api.length,
    },
  };
}

interface Load {
  ms: number;
  shared: number;
  sources: string[];
  phases: { html: number; dcl: number; firstData: number; lastData: number; requests: number };
}

async function load(context: BrowserContext, url: string): Promise<Load> {
  const page = await context.newPage();
  try {
    await page.goto(url, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(readyInPage, PANELS.length, {
      polling: 'raf',
      timeout: 60_000,
    });
    const r = (await handle.jsonValue()) as Load | { error: string };
    if ('error' in r) throw new Error(r.error);
    return r;
  } finally {
    await page.close();
  }
}

async function signedInContext(browser: Browser, webUrl: string, user: { email: string; password: string }) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const res = await context.request.post(`${webUrl}/api/auth/sign-in`, {
    data: user,
    // The console's CSRF check wants an Origin on a cookie-carrying POST, as a browser sends.
    headers: { origin: webUrl },
  });
  if (res.status() !== 200) throw new Error(`sign-in answered ${res.status()}: ${await res.text()}`);
  return context;
}

/** Empties the console's panel cache (its keys under the stack's Redis prefix). */
async function emptyPanelCache(redis: Redis, prefix: string): Promise<number> {
  let removed = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) removed += await redis.del(...keys);
  } while (cursor !== '0');
  return removed;
}

export async function runDashboardRenderBench(opts: DashboardRenderBenchOptions): Promise<void> {
  const n = Math.max(10_000, Math.round(10_000_000 * opts.scale));
  const runs = opts.runs ?? 10;
  const client = createClickHouse({
    url: opts.clickhouseUrl,
    ...opts.clickhouseAuth,
    requestTimeoutMs: 3_600_000,
  });
  const rss = rssSampler(opts.clickhousePid);
  // Loads only what is missing: after `-- dashboards` in the same run the table is already full.
  const have = Number(
    (
      await (
        await client.query({
          query: `SELECT count() AS n FROM ${opts.database}.events`,
          format: 'JSONEachRow',
        })
      ).json<{ n: string | number }>()
    )[0]?.n ?? 0,
  );
  if (have < n) {
    opts.log(`dashboard-render: loading ${n.toLocaleString('en-US')} synthetic events…`);
    const s = await loadSyntheticEvents(
      client,
      opts.database,
      n,
      Math.floor(Date.now() / HOUR) * HOUR,
      opts.log,
    );
    const merges = await waitForMerges(client, opts.database, 10 * 60_000);
    opts.log(`dashboard-render: loaded in ${s.toFixed(0)} s; merges settled after ${merges.s.toFixed(0)} s`);
  } else {
    opts.log(`dashboard-render: ${have.toLocaleString('en-US')} events already stored`);
  }

  // The dashboard, through the management API as code would create it; a viewer to open it.
  const slug = `render-${randomBytes(3).toString('hex')}`;
  const created = await fetch(`${opts.webUrl}/api/v1/dashboards`, {
    method: 'POST',
    headers: { authorization: `Bearer ${opts.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ slug, title: '12 panels', definition: definition() }),
  });
  if (created.status !== 201)
    throw new Error(`creating the dashboard: ${created.status} ${await created.text()}`);
  const user = {
    email: `bench-viewer-${slug}@bench.tributary.local`,
    password: randomBytes(18).toString('base64url'),
  };
  const db = createDb(opts.databaseUrl);
  try {
    await createUser(db, { ...user, role: 'viewer' }, { actor: 'bench' });
  } finally {
    await db.$disconnect();
  }

  const url = `${opts.webUrl}/dashboards/${slug}`;
  const redis = new Redis(opts.redisUrl);
  const browser = await chromium.launch(CHROMIUM);
  try {
    await emptyPanelCache(redis, opts.redisPrefix);
    const coldContext = await signedInContext(browser, opts.webUrl, user);
    const cold = await load(coldContext, url);
    await coldContext.close();
    opts.log(
      `dashboard-render: cold ${cold.ms.toFixed(0)} ms; sources ${Object.entries(
        cold.sources.reduce<Record<string, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {}),
      )
        .map(([s, c]) => `${c} ${s}`)
        .join(', ')}`,
    );

    const uncached: Load[] = [];
    for (let i = 0; i < runs; i++) {
      await emptyPanelCache(redis, opts.redisPrefix);
      const context = await signedInContext(browser, opts.webUrl, user);
      const r = await load(context, url);
      if (r.shared > 0) opts.log(`dashboard-render: uncached run ${i + 1} had ${r.shared} shared results`);
      uncached.push(r);
      await context.close();
    }

    const warmContext = await signedInContext(browser, opts.webUrl, user);
    const warm: Load[] = [];
    let sharedPanels = 0;
    // NOTE: the first load fills the HTTP cache and, if the minute just turned, the panel cache.
    await load(warmContext, url);
    for (let i = 0; i < runs; i++) {
      const r = await load(warmContext, url);
      warm.push(r);
      sharedPanels += r.shared;
    }
    await warmContext.close();

    const rows: [string, Load[], string][] = [
      ['cold (first ever load)', [cold], '1 run'],
      ['uncached (new context, panel cache emptied)', uncached, `${runs} runs`],
      [
        'warm (same context, shared results)',
        warm,
        `${runs} runs; ${sharedPanels} of ${runs * PANELS.length} panels shared`,
      ],
    ];
    console.log(
      `\ndashboard-render: 12-panel dashboard (7 rollup, 5 raw panels, range 24 h) over ${n.toLocaleString('en-US')} events, navigation → all 12 panels drawn`,
    );
    console.log('| load | p50 ms | p95 ms | target ms | within | runs |');
    console.log('|---|---:|---:|---:|---|---|');
    for (const [name, loads, note] of rows) {
      const sorted = loads.map((l) => l.ms).sort((a, b) => a - b);
      const p95 = quantile(sorted, 0.95);
      console.log(
        `| ${name} | ${quantile(sorted, 0.5).toFixed(0)} | ${p95.toFixed(0)} | ${TARGET_MS} | ${p95 <= TARGET_MS ? 'yes' : 'no'} | ${note} |`,
      );
    }
    const median = (xs: number[]) =>
      quantile(
        [...xs].sort((a, b) => a - b),
        0.5,
      );
    console.log('\nwhere the time goes (p50 ms since navigation start)');
    console.log(
      '| load | HTML received | DOMContentLoaded | first data request | last data response | all drawn | data requests |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const [name, loads] of rows) {
      const ph = (k: keyof Load['phases']) => median(loads.map((l) => l.phases[k])).toFixed(0);
      console.log(
        `| ${name} | ${ph('html')} | ${ph('dcl')} | ${ph('firstData')} | ${ph('lastData')} | ${median(loads.map((l) => l.ms)).toFixed(0)} | ${ph('requests')} |`,
      );
    }
    if (rss.known) console.log(`embedded ClickHouse peak RSS during the bench: ${gib(rss.peak())}`);
  } finally {
    await browser.close();
    redis.disconnect();
    rss.stop();
    await client.close();
  }
}
