// Raw ClickHouse insert throughput through @clickhouse/client: the ceiling the sink workers
// are measured against.
import { randomUUID } from 'node:crypto';
import { createClickHouse } from './client.ts';
import { insertRows, toDateTime64 } from './insert.ts';
import { migrate } from './migrate.ts';

export interface BenchRawInsertOptions {
  url: string;
  database: string;
  /** Total rows to insert. */
  rows: number;
  /** Rows per insert (default 10 000, about what a sink batch holds). */
  batchSize?: number;
}

export interface BenchRawInsertResult {
  rowsPerSec: number;
  rows: number;
  seconds: number;
}

/**
 * Inserts `rows` events into a scratch table with exactly the shape of `<database>.events`
 * (CREATE TABLE … AS, so no materialized view hangs off it), in batches with a dedup token
 * each, as the sink does. Row generation happens before the clock starts. The scratch table
 * is dropped afterwards.
 */
export async function benchRawInsert({
  url,
  database,
  rows,
  batchSize = 10_000,
}: BenchRawInsertOptions): Promise<BenchRawInsertResult> {
  const client = createClickHouse({ url, requestTimeoutMs: 300_000 });
  const scratch = `${database}.bench_raw_events_${randomUUID().replaceAll('-', '').slice(0, 8)}`;
  try {
    await migrate({ client, database });
    await client.command({ query: `CREATE TABLE ${scratch} AS ${database}.events` });
    const batches: Record<string, unknown>[][] = [];
    const now = Date.now();
    for (let start = 0; start < rows; start += batchSize) {
      const batch: Record<string, unknown>[] = [];
      for (let i = start; i < Math.min(rows, start + batchSize); i++) batch.push(sampleEvent(i, now));
      batches.push(batch);
    }
    const t0 = performance.now();
    for (const [n, batch] of batches.entries()) {
      await insertRows(client, scratch, batch, { dedupToken: `bench:${n}` });
    }
    const seconds = (performance.now() - t0) / 1000;
    return { rowsPerSec: rows / seconds, rows, seconds };
  } finally {
    await client.command({ query: `DROP TABLE IF EXISTS ${scratch}` }).catch(() => undefined);
    await client.close();
  }
}

const TYPES = ['page_view', 'signup', 'purchase', 'click', 'search'];

function sampleEvent(i: number, now: number): Record<string, unknown> {
  const ts = toDateTime64(now - (i % 60_000));
  return {
    event_id: `bench-${i}-${randomUUID()}`,
    event_type: TYPES[i % TYPES.length],
    timestamp: ts,
    user_id: `user-${i % 5000}`,
    data: { path: `/p/${i % 100}`, amount: i % 997, cart: { items: i % 7, currency: 'EUR' } },
    metadata: { ip: '10.0.0.1', ua: 'bench' },
    source: 'bench',
    schema_version: 1,
    received_at: ts,
    processed_at: ts,
  };
}
