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
    event_id: randomUUID() as string,
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
        const status = await postEvents(pool, opts.writeKey, body);
        if (status === 0) result.errors++;
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

export interface SteadyResult {
  /** Events in requests answered 2xx / in all requests sent. */
  acceptedEvents: number;
  sentEvents: number;
  statuses: Map<number, number>;
  requests: number;
  errors: number;
  seconds: number;
  /** Requests that were due while `maxInFlight` were still open (the sender fell behind). */
  late: number;
  /** Request latencies, milliseconds, sorted ascending. */
  latenciesMs: number[];
}

/**
 * Sends at a steady rate: batch i leaves at start + i × batchSize / eventsPerSecond, whatever
 * the answers, until `until()` says stop (checked before each batch) or `maxBatches` went out.
 * `makeBatch(i)` builds each batch when it is due (a long run holds no events in memory) and
 * `onResult` learns each answer, to keep the accepted ids or their count. No retries: a
 * non-2xx batch is reported and left, which is what a fault test wants to count.
 * At most `maxInFlight` requests are open; a batch due while they are is sent when one ends
 * (counted in `late`), so a slow server lowers the rate instead of piling up requests.
 */
export async function sendSteady(opts: {
  ingestUrl: string;
  writeKey: string;
  eventsPerSecond: number;
  batchSize: number;
  makeBatch: (index: number) => LoadEvent[];
  until: () => boolean;
  maxBatches?: number;
  maxInFlight?: number;
  onResult?: (index: number, status: number, batch: LoadEvent[]) => void;
}): Promise<SteadyResult> {
  const maxInFlight = opts.maxInFlight ?? 16;
  const pool = new Pool(opts.ingestUrl, { connections: maxInFlight, pipelining: 1 });
  const result: SteadyResult = {
    acceptedEvents: 0,
    sentEvents: 0,
    statuses: new Map(),
    requests: 0,
    errors: 0,
    seconds: 0,
    late: 0,
    latenciesMs: [],
  };
  const intervalMs = (opts.batchSize / opts.eventsPerSecond) * 1000;
  const open = new Set<Promise<void>>();
  const started = performance.now();

  async function one(index: number, batch: LoadEvent[]) {
    const body = JSON.stringify(batch);
    const t0 = performance.now();
    const status = await postEvents(pool, opts.writeKey, body);
    if (status === 0) result.errors++;
    result.latenciesMs.push(performance.now() - t0);
    result.requests++;
    result.statuses.set(status, (result.statuses.get(status) ?? 0) + 1);
    if (status >= 200 && status < 300) result.acceptedEvents += batch.length;
    opts.onResult?.(index, status, batch);
  }

  for (let i = 0; (opts.maxBatches === undefined || i < opts.maxBatches) && !opts.until(); i++) {
    const wait = started + i * intervalMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (open.size >= maxInFlight) {
      result.late++;
      await Promise.race(open);
    }
    if (opts.until()) break;
    const batch = opts.makeBatch(i);
    result.sentEvents += batch.length;
    const p: Promise<void> = one(i, batch).finally(() => open.delete(p));
    open.add(p);
  }
  await Promise.all(open);
  result.seconds = (performance.now() - started) / 1000;
  await pool.close();
  result.latenciesMs.sort((a, b) => a - b);
  return result;
}

/** The q-quantile (0..1) of an ascending array; NaN when empty. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** One POST /v1/events; the status, or 0 when the request itself failed. */
async function postEvents(pool: Pool, writeKey: string, body: string): Promise<number> {
  try {
    const res = await pool.request({
      path: '/v1/events',
      method: 'POST',
      headers: { authorization: `Bearer ${writeKey}`, 'content-type': 'application/json' },
      body,
    });
    await res.body.dump();
    return res.statusCode;
  } catch {
    return 0;
  }
}
