import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeBatches, sendBatches, type LoadResult } from '../../scripts/lib/load.ts';
import { eventually } from '../../scripts/test-infra/fixtures.ts';
import { startTestStack, type TestStack } from '../../scripts/lib/test-stack.ts';
import type { SupervisorEvent } from '../../scripts/lib/supervisor.ts';
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

const OUTAGE_MS = 30_000;

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});
// A case that failed half-way must not leave the next one without ClickHouse.
beforeEach(async () => {
  if (!t.supervisor.service('clickhouse')!.current) await t.startClickHouse();
});

// SIGTERM: the server closes its port after the requests in flight. SIGKILL: a crash, which
// can cut an insert after ClickHouse stored it but before the worker heard so; the retry after
// the restart carries the same deduplication token and must not add the rows twice.
describe.each([
  { signal: 'SIGTERM', type: 'ch_outage_term' },
  { signal: 'SIGKILL', type: 'ch_outage_kill' },
] as const)('ClickHouse stopped with $signal during a load', ({ signal, type }) => {
  it('holds events while ClickHouse is down, then stores every accepted one exactly once', async () => {
    const workers = t.stack.processes.get('workers')!;
    const workersPid = workers.child.pid;
    // Half the load starts with ClickHouse up; the other half is sent while it is down, so the
    // workers certainly have batches to insert during the outage.
    const before = makeBatches(30_000, 100, { eventType: type });
    const during = makeBatches(30_000, 100, { eventType: type });
    // Retry lines from this moment on belong to this outage.
    let stopRequestedAt = 0;
    let outage = null as Promise<{ ms: number; duringLoad: LoadResult; retriesSeen: number }> | null;

    const load = sendBatches({
      ingestUrl: t.stack.ingestUrl,
      writeKey: t.stack.writeKey,
      batches: before,
      concurrency: 4,
      onResponse: (done) => {
        if (outage || done < 100) return;
        outage = background(async () => {
          stopRequestedAt = Date.now();
          await t.stopClickHouse(signal);
          const stoppedAt = Date.now();
          const duringLoad = await sendBatches({
            ingestUrl: t.stack.ingestUrl,
            writeKey: t.stack.writeKey,
            batches: during,
            concurrency: 4,
          });
          // The workers meet the outage (and say so) while ClickHouse is still down.
          const retriesSeen = await eventually(
            async () => retryLines(workers.logFile, 'clickhouse insert', stopRequestedAt).length,
            OUTAGE_MS,
          );
          // NOTE: the outage itself has a length; this wait is the fault, not an assertion.
          await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + OUTAGE_MS - Date.now())));
          await t.startClickHouse();
          return { ms: Date.now() - stoppedAt, duringLoad, retriesSeen };
        });
      },
    });

    const result = await load;
    expect(outage).not.toBeNull();
    const { ms, duringLoad, retriesSeen } = await outage!;
    const accepted = [...result.acceptedIds, ...duringLoad.acceptedIds];
    console.log(
      `ClickHouse (${signal}) down for ${(ms / 1000).toFixed(1)} s; accepted ${result.acceptedIds.length} before/around ` +
        `and ${duringLoad.acceptedIds.length} during the outage (statuses ${JSON.stringify([
          ...result.statuses,
          ...duringLoad.statuses,
        ])}); ${retriesSeen} insert retries logged while down`,
    );
    expect(ms).toBeGreaterThanOrEqual(OUTAGE_MS);
    expect(retriesSeen).toBeGreaterThan(0);
    // Ingest does not depend on ClickHouse: nothing is refused.
    expect(accepted).toHaveLength(60_000);

    await eventually(async () => (await t.count(`event_type = '${type}'`)).rows >= accepted.length, 180_000);
    await t.drained();
    await t.deadLettersDrained();
    const counts = await storedCounts(t, type, accepted);
    const lines = retryLines(workers.logFile, 'clickhouse insert', stopRequestedAt);
    const backoff = backoffGaps(lines);
    console.log(
      `after recovery: ${JSON.stringify(counts)}; insert retries ${lines.length}, ` +
        `max attempt ${Math.max(...lines.map((l) => l.attempt))}, errors ${JSON.stringify(errorKinds(lines))}, ` +
        `first-attempt gaps ${JSON.stringify(backoff.gaps)}`,
    );

    expect(counts).toEqual(exactlyOnce(accepted.length));
    expect(Math.max(...lines.map((l) => l.attempt))).toBeGreaterThanOrEqual(5);
    expect(backoff.violations).toEqual([]);
    // The same workers process rode the outage out: no crash, no restart.
    expect(t.stack.processes.get('workers')).toBe(workers);
    expect(workers.child.pid).toBe(workersPid);
    expect(workers.child.exitCode).toBeNull();
    expect(workers.child.signalCode).toBeNull();
  }, 420_000);
});

// A crash nobody asked for: ClickHouse is SIGKILLed from outside (as the OOM killer would) and
// the supervisor, not the test, notices, reports and restarts it. The test only waits.
describe('ClickHouse crashing during a load, restarted by the supervisor', () => {
  it('reports the crash and the restart, and stores every accepted event exactly once', async () => {
    const type = 'ch_crash_supervised';
    const workers = t.stack.processes.get('workers')!;
    const workersMark = t.mark();
    // The load goes on through the crash; the second half is sent once the crash is recorded,
    // so the workers have batches to insert while ClickHouse is away or coming back.
    const before = makeBatches(20_000, 100, { eventType: type });
    const during = makeBatches(20_000, 100, { eventType: type });
    let crashed = null as Promise<{
      pid: number;
      killedAt: number;
      duringLoad: LoadResult;
      restart: SupervisorEvent;
    }> | null;

    const load = sendBatches({
      ingestUrl: t.stack.ingestUrl,
      writeKey: t.stack.writeKey,
      batches: before,
      concurrency: 4,
      onResponse: (done) => {
        if (crashed || done < 50) return;
        crashed = background(async () => {
          const mark = t.mark();
          const victim = t.stack.infra.clickhouse!;
          const pid = victim.child.pid!;
          const restarted = t.waitForRestart('clickhouse', { after: mark, timeoutMs: 120_000 });
          const killedAt = Date.now();
          victim.child.kill('SIGKILL');
          await t.supervisor.waitForEvent(
            (e) => e.seq > mark && e.name === 'clickhouse' && e.kind === 'crash',
            {
              after: mark,
              what: 'crash record of clickhouse',
            },
          );
          const duringLoad = await sendBatches({
            ingestUrl: t.stack.ingestUrl,
            writeKey: t.stack.writeKey,
            batches: during,
            concurrency: 4,
          });
          return { pid, killedAt, duringLoad, restart: await restarted };
        });
      },
    });
    const result = await load;
    expect(crashed).not.toBeNull();
    const { pid, killedAt, duringLoad, restart } = await crashed!;
    const accepted = [...result.acceptedIds, ...duringLoad.acceptedIds];

    const records = supervisorRecords(t, 'clickhouse', workersMark);
    const crash = records.inMemory.find((e) => e.kind === 'crash')!;
    console.log(
      `ClickHouse pid ${pid} SIGKILLed; supervisor: ${JSON.stringify(records.inMemory.map((e) => e.message))}; ` +
        `back after ${((Date.parse(restart.at) - killedAt) / 1000).toFixed(1)} s as pid ${restart.pid}; ` +
        `accepted ${accepted.length} (statuses ${JSON.stringify([...result.statuses, ...duringLoad.statuses])})`,
    );
    // The supervisor reported the crash (pid, signal, log file) and restarted it, in its events
    // and in its JSON-lines log alike; the running instance is the restarted one.
    expect(crash).toMatchObject({ name: 'clickhouse', kind: 'crash', pid, signal: 'SIGKILL', crashes: 1 });
    expect(crash.message).toContain('clickhouse crashed (signal SIGKILL)');
    expect(crash.message).toContain(crash.logFile);
    expect(restart.pid).not.toBe(pid);
    expect(records.inMemory.map((e) => e.kind)).toEqual(['crash', 'restart']);
    expect(records.logged.map((e) => [e.kind, e.pid])).toEqual([
      ['crash', pid],
      ['restart', restart.pid],
    ]);
    expect(t.stack.infra.clickhouse!.child.pid).toBe(restart.pid);
    expect(accepted).toHaveLength(40_000);

    await eventually(async () => (await t.count(`event_type = '${type}'`)).rows >= accepted.length, 180_000);
    await t.drained();
    await t.deadLettersDrained();
    const counts = await storedCounts(t, type, accepted);
    const lines = retryLines(workers.logFile, 'clickhouse insert', killedAt);
    const workersRecords = crashesAndRestarts(supervisorRecords(t, 'workers', workersMark).inMemory);
    console.log(
      `after recovery: ${JSON.stringify(counts)}; insert retries ${lines.length} ` +
        `(errors ${JSON.stringify(errorKinds(lines))}); workers: ${JSON.stringify(workersRecords)}`,
    );
    expect(counts).toEqual(exactlyOnce(accepted.length));
    // The workers rode the crash out (a crash of theirs would be a restart record here).
    expect(workersRecords).toMatchObject({ crashes: 0, gaveUp: false });
  }, 420_000);
});
