// Prints the embedded server's figures side by side in one run:
//   tsx infra/clickhouse/src/measure.ts [--rows 100000]
// start time, a 100k-row events insert through HTTP vs chDB in-process, simple query latency.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { Session } from 'chdb';
import { spawnEmbeddedClickHouse } from './spawn.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' } } });
const ROWS = Number(values.rows);
const EVENTS_DDL = readFileSync(
  resolve(import.meta.dirname, '../../../packages/clickhouse/migrations/0001_events.sql'),
  'utf8',
);

function eventsNdjson(prefix: string): { rows: Record<string, unknown>[]; ndjson: string } {
  const now = Date.now();
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < ROWS; i++) {
    const ts = new Date(now - (i % 60_000)).toISOString().replace('T', ' ').replace('Z', '');
    rows.push({
      event_id: `${prefix}-${i}`,
      event_type: ['page_view', 'signup', 'purchase', 'click'][i % 4],
      timestamp: ts,
      user_id: `user-${i % 5000}`,
      data: { path: `/p/${i % 100}`, amount: i % 997, cart: { items: i % 7, currency: 'EUR' } },
      metadata: { ip: '10.0.0.1' },
      source: 'measure',
      schema_version: 1,
      received_at: ts,
      processed_at: ts,
    });
  }
  return { rows, ndjson: rows.map((r) => JSON.stringify(r)).join('\n') + '\n' };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

async function latencies(n: number, run: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 20; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
}

const dir = mkdtempSync(join(tmpdir(), 'tributary-ch-measure-'));
const fmt = (n: number) => n.toFixed(2);
try {
  // 1. Start time of the CLI child (node + tsx + engine + listen), as the platform runs it.
  const t0 = performance.now();
  const server = await spawnEmbeddedClickHouse({ dataDir: join(dir, 'server') });
  const startMs = performance.now() - t0;
  const client = createClient({
    url: server.url,
    request_timeout: 300_000,
    log: { level: ClickHouseLogLevel.OFF },
  });
  const session = new Session(join(dir, 'inproc'));
  try {
    for (const exec of [
      (sql: string) => client.command({ query: sql }).then(() => undefined),
      (sql: string) => session.queryAsync(sql).then(() => undefined),
    ]) {
      await exec('CREATE DATABASE m');
      await exec(EVENTS_DDL.replaceAll('{db}', 'm'));
    }

    // 2. Simple query latency, measured first: background merges after the inserts would skew it.
    const http = await latencies(200, async () =>
      (await client.query({ query: 'SELECT 1', format: 'JSONEachRow' })).json(),
    );
    const ping = await latencies(200, () => client.ping());
    const inproc = await latencies(200, () => session.queryAsync('SELECT 1', { format: 'JSONEachRow' }));

    // 3. 100k events rows, same data shape, HTTP vs in-process, interleaved and repeated
    // (2 cores, background merges): the median of each is reported.
    const REPEATS = 3;
    const httpObjects: number[] = [];
    const httpRaw: number[] = [];
    const inprocRaw: number[] = [];
    let bytes = 0;
    for (let rep = 0; rep < REPEATS; rep++) {
      const a = eventsNdjson(`http-objects-${rep}`);
      let t = performance.now();
      await client.insert({ table: 'm.events', values: a.rows, format: 'JSONEachRow' });
      httpObjects.push((performance.now() - t) / 1000);

      const b = Buffer.from(eventsNdjson(`http-raw-${rep}`).ndjson);
      t = performance.now();
      // exec sends the bytes as they are (insert() would JSON-encode each stream chunk).
      const res = await client.exec({
        query: 'INSERT INTO m.events FORMAT JSONEachRow',
        values: Readable.from([b]),
      });
      res.stream.resume();
      httpRaw.push((performance.now() - t) / 1000);

      const c = Buffer.from(eventsNdjson(`inproc-${rep}`).ndjson);
      bytes = c.length;
      t = performance.now();
      await session.insert({ table: 'm.events', values: c, format: 'JSONEachRow' });
      inprocRaw.push((performance.now() - t) / 1000);
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? NaN;
    const httpObjectsSec = median(httpObjects);
    const httpRawSec = median(httpRaw);
    const inprocSec = median(inprocRaw);
    const buf = { length: bytes };

    console.log(
      `embedded ClickHouse figures (${ROWS} rows of the events table, ${buf.length} bytes NDJSON, median of ${REPEATS})`,
    );
    console.log(`  start (spawn CLI -> ready line)          ${startMs.toFixed(0)} ms`);
    console.log(
      `  insert via HTTP, client serializes rows  ${fmt(httpObjectsSec)} s  ${(ROWS / httpObjectsSec).toFixed(0)} rows/s`,
    );
    console.log(
      `  insert via HTTP, pre-serialized NDJSON   ${fmt(httpRawSec)} s  ${(ROWS / httpRawSec).toFixed(0)} rows/s`,
    );
    console.log(
      `  insert in-process chDB (raw Buffer)      ${fmt(inprocSec)} s  ${(ROWS / inprocSec).toFixed(0)} rows/s`,
    );
    console.log(`  HTTP raw / in-process                    ${(inprocSec / httpRawSec).toFixed(2)}`);
    console.log(
      `  SELECT 1 via HTTP (client.query)         p50 ${fmt(http.p50)} ms  p95 ${fmt(http.p95)} ms`,
    );
    console.log(
      `  /ping via HTTP (client.ping)             p50 ${fmt(ping.p50)} ms  p95 ${fmt(ping.p95)} ms`,
    );
    console.log(
      `  SELECT 1 in-process chDB                 p50 ${fmt(inproc.p50)} ms  p95 ${fmt(inproc.p95)} ms`,
    );
  } finally {
    session.close();
    await client.close();
    await server.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
