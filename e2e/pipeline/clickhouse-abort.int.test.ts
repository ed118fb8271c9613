import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '@tributary/clickhouse';
import { makeBatches, quantile, sendBatches } from '../../scripts/lib/load.ts';
import { eventually } from '../../scripts/test-infra/fixtures.ts';
import { startTestStack, type TestStack } from '../../scripts/lib/test-stack.ts';
import { exactlyOnce, mb, storedCounts, vmRssBytes } from './outage-checks.ts';

// Clients that walk away from endless queries must not leave work behind in the embedded
// ClickHouse, nor memory, while it also takes the pipeline's inserts. Figures are printed
// (the time each query took to leave system.processes, the server's RSS); only the memory bound
// is asserted, not a duration.
const QUERIES = 20;
const ROWS_BEFORE_ABORT = 50_000;
const EVENTS = 100_000;
const TYPE = 'ch_abort_load';
const RSS_BOUND = 500 * 2 ** 20;

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

describe('aborted infinite selects against the embedded ClickHouse during a load', () => {
  it('cancels each one soon after its abort, holds memory, and stores the load exactly once', async () => {
    const pid = t.stack.infra.clickhouse!.child.pid!;
    const client = createClickHouse({ url: t.stack.clickhouseUrl, application: 'abort-test' });
    const rssStart = vmRssBytes(pid);
    let rssMax = rssStart;
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, vmRssBytes(pid))), 200);

    async function runningWith(marker: string): Promise<number> {
      const rs = await t.clickhouse.query({
        query: `SELECT count() AS n FROM system.processes
                WHERE position(query, {m:String}) > 0 AND position(query, 'system.processes') = 0`,
        query_params: { m: marker },
        format: 'JSONEachRow',
      });
      const [row] = await rs.json<{ n: string }>();
      return Number(row!.n);
    }

    /** One endless select read for a while, then aborted; how long it stayed in system.processes. */
    async function abortOne(i: number) {
      const marker = `abort-${i}-${randomBytes(4).toString('hex')}`;
      const controller = new AbortController();
      const rs = await client.query({
        query: `SELECT *, '${marker}' AS marker FROM system.numbers`,
        format: 'JSONCompactEachRow',
        abort_signal: controller.signal,
      });
      let rows = 0;
      let clientError = '';
      // NOTE: next() by hand, not for-await: leaving a for-await would destroy the stream (and
      // with it the request) before the test has looked at the server and aborted.
      const rows$ = rs.stream()[Symbol.asyncIterator]();
      try {
        while (rows < ROWS_BEFORE_ABORT) {
          const step = await rows$.next();
          if (step.done) break;
          rows += (step.value as unknown[]).length;
        }
      } catch (err) {
        clientError = String(err);
      }
      // It is running on the server right now, visibly.
      const before = await runningWith(marker);
      const loadResponses = responses;
      const abortedAt = performance.now();
      controller.abort();
      // NOTE: @clickhouse/client 1.23.1 listens to abort_signal only until the response headers
      // arrived (query() removes its listener then), so once rows stream, abort() alone leaves the
      // request open and the query running, paused by backpressure (seen here: still in
      // system.processes 5 s after abort(), gone 43 ms after close()). What ends the request is
      // closing the result set, which a caller must do anyway; both happen at once here.
      rs.close();
      await eventually(async () => (await runningWith(marker)) === 0, 30_000);
      const goneMs = performance.now() - abortedAt;
      await rows$.return?.().catch(() => {});
      return { rows, before, goneMs, clientError, loadResponses };
    }

    let responses = 0;
    const load = sendBatches({
      ingestUrl: t.stack.ingestUrl,
      writeKey: t.stack.writeKey,
      batches: makeBatches(EVENTS, 100, { eventType: TYPE }),
      concurrency: 4,
      onResponse: (done) => (responses = done),
    });
    const results: Array<Awaited<ReturnType<typeof abortOne>>> = [];
    for (let i = 0; i < QUERIES; i++) results.push(await abortOne(i));
    const sent = await load;
    clearInterval(sampler);
    await client.close();

    const gone = results.map((r) => r.goneMs).sort((a, b) => a - b);
    console.log(
      `${QUERIES} aborted selects (each read ≥ ${ROWS_BEFORE_ABORT} rows first): gone from system.processes ` +
        `after abort in ms: ${results.map((r) => r.goneMs.toFixed(0)).join(', ')} ` +
        `(median ${quantile(gone, 0.5).toFixed(0)}, max ${gone.at(-1)!.toFixed(0)}); ` +
        `aborted while the load stood at ${results.map((r) => r.loadResponses).join(', ')} of ${EVENTS / 100} ` +
        `requests answered; ClickHouse RSS ${mb(rssStart)} at start, max ${mb(rssMax)} (+${mb(rssMax - rssStart)})`,
    );
    for (const r of results) {
      expect(r.rows).toBeGreaterThanOrEqual(ROWS_BEFORE_ABORT);
      expect(r.before).toBe(1);
      expect(r.clientError).toBe('');
    }
    // Gone, every one: nothing of theirs runs any more.
    const leftover = await t.clickhouse.query({
      query: `SELECT count() AS n FROM system.processes WHERE position(query, 'system.numbers') > 0
              AND position(query, 'system.processes') = 0`,
      format: 'JSONEachRow',
    });
    expect(await leftover.json()).toEqual([{ n: 0 }]);

    expect(sent.acceptedIds).toHaveLength(EVENTS);
    await eventually(async () => (await t.count(`event_type = '${TYPE}'`)).rows >= EVENTS, 180_000);
    await t.drained();
    await t.deadLettersDrained();
    const rssEnd = vmRssBytes(pid);
    rssMax = Math.max(rssMax, rssEnd);
    const counts = await storedCounts(t, TYPE, sent.acceptedIds);
    console.log(
      `after the load: ${JSON.stringify(counts)}; ClickHouse RSS ${mb(rssEnd)} at the end, max ${mb(rssMax)} ` +
        `(growth ${mb(rssMax - rssStart)}, bound ${mb(RSS_BOUND)})`,
    );
    expect(counts).toEqual(exactlyOnce(EVENTS));
    // The same server process did all of it (no crash, no restart) within the memory bound.
    expect(t.stack.infra.clickhouse!.child.pid).toBe(pid);
    expect(rssMax - rssStart).toBeLessThan(RSS_BOUND);
  }, 420_000);
});
