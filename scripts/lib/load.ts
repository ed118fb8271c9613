import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';

/**
 * A realistic event of roughly `props` data properties. The default type has no registered
 * schema: the demo's seeded types (page_view, ...) describe other data and would be rejected.
 */
export function makeEvent(i: number, props = 8, eventType?: string) {
  const data: Record<string, unknown> = { path: `/page/${i % 50}`, n: i, ok: i % 3 === 0 };
  for (let p = 3; p < props; p++) data[`prop_${p}`] = p % 2 === 0 ? `value-${i % 97}` : i * p;
  return {
    event_id: randomUUID(),
    event_type: eventType ?? ['load_view', 'load_signup', 'load_purchase'][i % 3]!,
    timestamp: new Date().toISOString(),
    user_id: `user_${i % 1000}`,
    data,
    metadata: { sdk: 'load', version: '1' },
  };
}

export type LoadEvent = ReturnType<typeof makeEvent>;

export interface LoadResult {
  /** event_ids of every event in a request answered 2xx. */
  acceptedIds: string[];
  statuses: Map<number, number>;
  requests: number;
  seconds: number;
  errors: number;
}

/**
 * Sends `batches` to ingest with `concurrency` requests in flight over keep-alive connections.
 * Each batch is one request; a 2xx means every event in it was acknowledged by Kafka.
 */
export async function sendBatches(opts: {
  ingestUrl: string;
  writeKey: string;
  batches: LoadEvent[][];
  concurrency: number;
  /** Called after each response, e.g. to trigger a fault mid-load. */
  onResponse?: (done: number) => void;
  retry503?: boolean;
}): Promise<LoadResult> {
  const pool = new Pool(opts.ingestUrl, { connections: opts.concurrency, pipelining: 1 });
  const result: LoadResult = { acceptedIds: [], statuses: new Map(), requests: 0, seconds: 0, errors: 0 };
  // Bodies are serialised before the clock starts: the load generator shares the machine's
  // cores with what it measures, so it should spend as little as possible while measuring.
  const bodies = opts.batches.map((b) => (b.length === 1 ? JSON.stringify(b[0]) : JSON.stringify(b)));
  let next = 0;
  const started = performance.now();
  async function lane() {
    while (next < opts.batches.length) {
      const i = next++;
      const batch = opts.batches[i]!;
      const body = bodies[i]!;
      for (;;) {
        let status = 0;
        try {
          const res = await pool.request({
            path: '/v1/events',
            method: 'POST',
            headers: { authorization: `Bearer ${opts.writeKey}`, 'content-type': 'application/json' },
            body,
          });
          status = res.statusCode;
          await res.body.dump();
        } catch {
          result.errors++;
        }
        result.requests++;
        result.statuses.set(status, (result.statuses.get(status) ?? 0) + 1);
        if (status >= 200 && status < 300) {
          for (const e of batch) result.acceptedIds.push(e.event_id);
          break;
        }
        if (!opts.retry503) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      opts.onResponse?.(result.requests);
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, lane));
  result.seconds = (performance.now() - started) / 1000;
  await pool.close();
  return result;
}

export function makeBatches(
  total: number,
  batchSize: number,
  opts: { props?: number; eventType?: string } = {},
): LoadEvent[][] {
  const batches: LoadEvent[][] = [];
  for (let i = 0; i < total; i += batchSize) {
    batches.push(
      Array.from({ length: Math.min(batchSize, total - i) }, (_, j) =>
        makeEvent(i + j, opts.props, opts.eventType),
      ),
    );
  }
  return batches;
}
