// The embedded ClickHouse under hostile reads, figures side by side: how soon an aborted query
// stops, what a slow reader of 100M rows costs the server in memory, and what a query over its
// memory limit does to inserts running at the same time.
import { readFileSync } from 'node:fs';
import { createClient, ClickHouseLogLevel } from '@clickhouse/client';

export interface ClickHouseBenchOptions {
  url: string;
  pid: number;
  log: (m: string) => void;
  /** Rows for the slow reader (default 100M). */
  slowRows?: number;
}

const MiB = 1024 * 1024;

function rss(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

export async function runClickHouseBench({ url, pid, log, slowRows = 100_000_000 }: ClickHouseBenchOptions) {
  const client = createClient({ url, request_timeout: 600_000, log: { level: ClickHouseLogLevel.OFF } });
  const running = async (marker: string) => {
    const rs = await client.query({
      query: `SELECT count() AS n FROM system.processes WHERE position(query, {m:String}) > 0 AND position(query, 'system.processes') = 0`,
      query_params: { m: marker },
      format: 'JSONEachRow',
    });
    return Number((await rs.json<{ n: string }>())[0]?.n ?? 0);
  };
  try {
    log('20 aborted `SELECT * FROM system.numbers`');
    const rss0 = rss(pid);
    const took: number[] = [];
    for (let i = 0; i < 20; i++) {
      const marker = `bench-abort-${i}-${Date.now()}`;
      const ac = new AbortController();
      const rs = await client.query({
        query: `SELECT * FROM system.numbers WHERE '${marker}' != ''`,
        format: 'JSONEachRow',
        abort_signal: ac.signal,
      });
      let rows = 0;
      for await (const batch of rs.stream()) {
        rows += batch.length;
        if (rows >= 50_000 * (1 + (i % 5))) break;
      }
      const abortedAt = performance.now();
      ac.abort();
      while ((await running(marker)) > 0) await new Promise((r) => setTimeout(r, 5));
      took.push(performance.now() - abortedAt);
    }
    const sorted = [...took].sort((a, b) => a - b);
    const abortGrowth = rss(pid) - rss0;

    log(`slow reader of ${slowRows.toLocaleString()} rows (pauses 50 ms every 200 chunks)`);
    const rssSlow0 = rss(pid);
    let peak = rssSlow0;
    const sampler = setInterval(() => (peak = Math.max(peak, rss(pid))), 200);
    const t0 = performance.now();
    let rows = 0;
    let chunks = 0;
    try {
      const rs = await client.query({
        query: `SELECT number FROM numbers(${slowRows})`,
        format: 'JSONEachRow',
      });
      for await (const batch of rs.stream()) {
        rows += batch.length;
        if (++chunks % 200 === 0) await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      clearInterval(sampler);
    }
    const slowSeconds = (performance.now() - t0) / 1000;
    const rssSlowEnd = rss(pid);

    log('inserts alone, then beside queries over the per-query memory limit');
    await client.command({
      query:
        'CREATE TABLE IF NOT EXISTS default.bench_mem_inserts (n UInt64, s String) ENGINE = MergeTree ORDER BY n',
    });
    const insertFor = async (ms: number) => {
      const until = performance.now() + ms;
      let n = 0;
      while (performance.now() < until) {
        await client.insert({
          table: 'default.bench_mem_inserts',
          values: Array.from({ length: 2000 }, (_, i) => ({ n: n + i, s: 'x' })),
          format: 'JSONEachRow',
        });
        n += 2000;
      }
      return (n / ms) * 1000;
    };
    const alone = await insertFor(5000);
    let refused = 0;
    let hungryRuns = 0;
    let stop = false;
    const hungry = (async () => {
      while (!stop) {
        hungryRuns++;
        await client
          .query({ query: 'SELECT groupArray(number) FROM numbers(2000000000)' })
          .then((r) => r.text())
          .catch((e: { code?: string }) => {
            if (e.code === '241') refused++;
          });
      }
    })();
    const beside = await insertFor(5000);
    stop = true;
    await hungry;

    const lines: [string, string][] = [
      ['aborted select → gone from system.processes, p50', `${pct(sorted, 50).toFixed(0)} ms`],
      ['aborted select → gone, max of 20', `${sorted.at(-1)?.toFixed(0)} ms`],
      ['server RSS growth over the 20 aborts', `${(abortGrowth / MiB).toFixed(0)} MiB`],
      ['slow reader rows / time', `${rows.toLocaleString()} in ${slowSeconds.toFixed(1)} s`],
      [
        'slow reader server RSS start → peak → end',
        `${(rssSlow0 / MiB).toFixed(0)} → ${(peak / MiB).toFixed(0)} → ${(rssSlowEnd / MiB).toFixed(0)} MiB`,
      ],
      ['slow reader RSS growth (peak − start)', `${((peak - rssSlow0) / MiB).toFixed(0)} MiB`],
      ['inserts alone (rows/s, 2,000-row inserts)', alone.toFixed(0)],
      ['inserts beside over-limit queries (rows/s)', beside.toFixed(0)],
      ['ratio beside / alone', (beside / alone).toFixed(2)],
      ['over-limit queries refused with 241 / run', `${refused} / ${hungryRuns}`],
    ];
    console.log('\nEmbedded ClickHouse under hostile reads');
    for (const [k, v] of lines) console.log(`  ${k.padEnd(52)} ${v}`);
  } finally {
    await client.close();
  }
}
