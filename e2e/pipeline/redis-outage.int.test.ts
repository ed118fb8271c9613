import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeBatches, sendBatches, type LoadResult } from '../../scripts/lib/load.ts';
import { eventually } from '../../scripts/test-infra/fixtures.ts';
import { startTestStack, type TestStack } from '../../scripts/lib/test-stack.ts';
import {
  background,
  backoffGaps,
  crashesAndRestarts,
  errorKinds,
  exactlyOnce,
  retryLines,
  storedCounts,
  supervisorRecords,
} from './outage-checks.ts';

const OUTAGE_MS = 18_000;
const TYPE = 'redis_outage';
const REDIS_STEPS = [
  'redis dedupe lookup',
  'redis intent read',
  'redis intent write',
  'redis mark',
  'redis intent clear',
];

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack(['workers', 'ingest'], { privateRedis: true });
});
afterAll(async () => {
  await t?.stop();
});
// A case that failed half-way must not leave the next one without Redis.
beforeEach(async () => {
  if (!t.redis!.running()) await t.redis!.start();
});

/** A short-lived connection to the stack's own Redis (it comes and goes in this test). */
async function withRedis<T>(fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis(t.redis!.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => {});
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

/** Some event ids the workers marked as inserted, with the key that holds each. */
async function sampleMarks(prefix: string): Promise<Array<{ key: string; id: string }>> {
  return withRedis(async (r) => {
    const out: Array<{ key: string; id: string }> = [];
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        if ((await r.type(key)) !== 'set') continue;
        for (const id of await r.srandmember(key, 20)) out.push({ key, id });
      }
    } while (cursor !== '0');
    return out;
  });
}

const serverRunId = () => withRedis(async (r) => /run_id:(\w+)/.exec(await r.info('server'))?.[1] ?? '');

describe('Redis outage during a load', () => {
  it('holds events while Redis is down, and after an empty restart stores every accepted one exactly once', async () => {
    const workers = t.stack.processes.get('workers')!;
    const workersPid = workers.child.pid;
    const before = makeBatches(30_000, 100, { eventType: TYPE });
    const during = makeBatches(30_000, 100, { eventType: TYPE });
    // Retry lines from this moment on belong to the outage.
    let stopRequestedAt = 0;
    let outage = null as Promise<{
      ms: number;
      duringLoad: LoadResult;
      retriesSeen: number;
      marks: Array<{ key: string; id: string }>;
      runIds: [string, string];
    }> | null;

    const load = sendBatches({
      ingestUrl: t.stack.ingestUrl,
      writeKey: t.stack.writeKey,
      batches: before,
      concurrency: 4,
      onResponse: (done) => {
        if (outage || done < 100) return;
        outage = background(async () => {
          // Dedupe marks exist before the outage, so the restart demonstrably loses some.
          const marks = await eventually(async () => {
            const m = await sampleMarks(t.config.redisPrefix);
            return m.length > 0 ? m : null;
          }, 60_000);
          const runBefore = await serverRunId();
          stopRequestedAt = Date.now();
          await t.redis!.stop();
          const stoppedAt = Date.now();
          const duringLoad = await sendBatches({
            ingestUrl: t.stack.ingestUrl,
            writeKey: t.stack.writeKey,
            batches: during,
            concurrency: 4,
          });
          const retriesSeen = await eventually(async () => {
            const n = REDIS_STEPS.reduce(
              (sum, s) => sum + retryLines(workers.logFile, s, stopRequestedAt).length,
              0,
            );
            return n > 0 ? n : null;
          }, OUTAGE_MS);
          // NOTE: the outage itself has a length; this wait is the fault, not an assertion.
          await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + OUTAGE_MS - Date.now())));
          await t.redis!.start();
          const ms = Date.now() - stoppedAt;
          return { ms, duringLoad, retriesSeen, marks, runIds: [runBefore, await serverRunId()] };
        });
      },
    });

    const result = await load;
    expect(outage).not.toBeNull();
    const { ms, duringLoad, retriesSeen, marks, runIds } = await outage!;
    const accepted = [...result.acceptedIds, ...duringLoad.acceptedIds];
    // The restarted Redis is a new, empty server: the marks sampled before the outage are gone.
    const keptMarks = await withRedis(async (r) => {
      let kept = 0;
      for (const m of marks) kept += await r.sismember(m.key, m.id);
      return kept;
    });
    console.log(
      `Redis down for ${(ms / 1000).toFixed(1)} s; accepted ${result.acceptedIds.length} before/around ` +
        `and ${duringLoad.acceptedIds.length} during the outage; ${retriesSeen} Redis retries logged while ` +
        `down; ${marks.length} sampled dedupe marks before, ${keptMarks} of them after the restart`,
    );
    expect(ms).toBeGreaterThanOrEqual(OUTAGE_MS);
    expect(retriesSeen).toBeGreaterThan(0);
    expect(runIds[0]).not.toBe(runIds[1]);
    expect(keptMarks).toBe(0);
    expect(accepted).toHaveLength(60_000);

    await eventually(async () => (await t.count(`event_type = '${TYPE}'`)).rows >= accepted.length, 180_000);
    await t.drained();
    await t.deadLettersDrained();
    const counts = await storedCounts(t, TYPE, accepted);
    const retries = REDIS_STEPS.map((step) => {
      const lines = retryLines(workers.logFile, step, stopRequestedAt);
      return {
        step,
        lines: lines.length,
        maxAttempt: Math.max(0, ...lines.map((l) => l.attempt)),
        errors: errorKinds(lines),
        ...backoffGaps(lines),
      };
    });
    console.log(
      `after recovery: ${JSON.stringify(counts)}; retries ${JSON.stringify(
        retries.map(({ step, lines, maxAttempt, errors, gaps }) => ({
          step,
          lines,
          maxAttempt,
          errors,
          gaps,
        })),
      )}`,
    );

    expect(counts).toEqual(exactlyOnce(accepted.length));
    expect(Math.max(...retries.map((r) => r.maxAttempt))).toBeGreaterThanOrEqual(3);
    expect(retries.flatMap((r) => r.violations)).toEqual([]);
    expect(t.stack.processes.get('workers')).toBe(workers);
    expect(workers.child.pid).toBe(workersPid);
    expect(workers.child.exitCode).toBeNull();
    expect(workers.child.signalCode).toBeNull();
  }, 420_000);
});

// Redis emptied under the workers' feet (FLUSHDB: an operator's mistake, a failover to an empty
// replica) while Redis stays up, then the producer sends the same events again, as a client
// retrying after a timeout would. Every dedupe mark and every insert intent is gone, so only
// what the workers ask ClickHouse can keep the resend from being stored twice.
describe('Redis flushed during a load, then the same events sent again', () => {
  it('stores each event once within the dedupe window', async () => {
    const type = 'redis_flush';
    const workers = t.stack.processes.get('workers')!;
    const mark = t.mark();
    const batches = makeBatches(20_000, 100, { eventType: type });
    let flushed = null as Promise<{ marks: Array<{ key: string; id: string }>; keys: number }> | null;
    const first = await sendBatches({
      ingestUrl: t.stack.ingestUrl,
      writeKey: t.stack.writeKey,
      batches,
      concurrency: 4,
      onResponse: (done) => {
        if (flushed || done < 50) return;
        flushed = background(async () => {
          // Marks exist before the flush (the workers have been inserting), so it demonstrably
          // removes some.
          const marks = await eventually(async () => {
            const m = await sampleMarks(t.config.redisPrefix);
            return m.length > 0 ? m : null;
          }, 60_000);
          const keys = await withRedis(async (r) => {
            const n = await r.dbsize();
            await r.flushdb();
            return n;
          });
          return { marks, keys };
        });
      },
    });
    expect(flushed).not.toBeNull();
    const { marks, keys } = await flushed!;
    expect(first.acceptedIds).toHaveLength(20_000);
    await eventually(async () => (await t.count(`event_type = '${type}'`)).rows >= 20_000, 180_000);
    await t.drained();
    const afterFirst = await t.count(`event_type = '${type}'`);
    const keptMarks = await withRedis(async (r) => {
      let kept = 0;
      for (const m of marks) kept += await r.sismember(m.key, m.id);
      return kept;
    });

    // The same 20,000 events (same event_ids), well within the dedupe window.
    const again = await sendBatches({
      ingestUrl: t.stack.ingestUrl,
      writeKey: t.stack.writeKey,
      batches,
      concurrency: 4,
    });
    expect(again.acceptedIds).toHaveLength(20_000);
    await t.drained();
    await t.deadLettersDrained();
    const counts = await storedCounts(t, type, first.acceptedIds);
    const workersRecords = crashesAndRestarts(supervisorRecords(t, 'workers', mark).inMemory);
    console.log(
      `FLUSHDB removed ${keys} keys mid-load (${marks.length} sampled marks, ${keptMarks} left after it); ` +
        `after the first send ${JSON.stringify(afterFirst)}; after the resend ${JSON.stringify(counts)}; ` +
        `workers ${JSON.stringify(workersRecords)}`,
    );
    expect(keys).toBeGreaterThan(0);
    expect(keptMarks).toBe(0);
    expect(afterFirst).toEqual({ rows: 20_000, distinct: 20_000 });
    expect(counts).toEqual(exactlyOnce(20_000));
    expect(workersRecords.crashes).toBe(0);
    expect(workers.child.exitCode).toBeNull();
  }, 420_000);
});
