import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatches, sendBatches } from './load.ts';
import { httpOk } from './processes.ts';
import { eventually } from '../test-infra/fixtures.ts';
import { startTestStack, type TestStack } from './test-stack.ts';
import type { SupervisorEvent } from './supervisor.ts';

// The supervisor of a real stack: a SIGKILLed app or embedded ClickHouse is reported, comes back
// on its port and data directory, and the pipeline works afterwards.
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack(['workers', 'ingest']);
});
afterAll(async () => {
  await t?.stop();
});

function supervisorLog(): SupervisorEvent[] {
  return readFileSync(t.supervisor.logFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as SupervisorEvent);
}

/** SIGKILLs a process, waits for the supervisor's restart, and returns the crash and restart records. */
async function killAndWaitForRestart(name: string, pid: number, kill: () => void) {
  const mark = t.mark();
  kill();
  const restart = await t.waitForRestart(name, { after: mark });
  const crash = t.supervisor.events.find((e) => e.seq > mark && e.name === name && e.kind === 'crash');
  expect(crash).toMatchObject({ pid, signal: 'SIGKILL', crashes: 1, delayMs: 1000 });
  expect(crash!.message).toContain(`${name} crashed (signal SIGKILL)`);
  expect(crash!.message).toContain(crash!.logFile);
  expect(restart.pid).not.toBe(pid);
  // Both are in the supervisor's JSON-lines log too.
  const logged = supervisorLog().filter((e) => e.seq > mark && e.name === name);
  expect(logged.map((e) => e.kind)).toEqual(['crash', 'restart']);
  return { crash: crash!, restart };
}

describe('supervisor in the test stack', () => {
  it('restarts the workers after a SIGKILL and says so', async () => {
    const workers = t.stack.processes.get('workers')!;
    const { crash, restart } = await killAndWaitForRestart('workers', workers.child.pid!, () =>
      workers.child.kill('SIGKILL'),
    );
    expect(crash.logFile).toBe(workers.logFile);
    const again = t.stack.processes.get('workers')!;
    expect(again).not.toBe(workers);
    expect(again.child.pid).toBe(restart.pid);
    expect(await httpOk(`http://127.0.0.1:${t.config.workerOpsPort}/healthz`)).toBe(true);
  });

  it('restarts the embedded ClickHouse after a SIGKILL, on the same port', async () => {
    const before = t.stack.infra.clickhouse!;
    const { restart } = await killAndWaitForRestart('clickhouse', before.child.pid!, () =>
      before.child.kill('SIGKILL'),
    );
    const after = t.stack.infra.clickhouse!;
    expect(after.child.pid).toBe(restart.pid);
    expect(after.url).toBe(before.url);
    expect(after.url).toBe(t.stack.clickhouseUrl);
    // Same data directory: the migrated tables are still there.
    const rs = await t.clickhouse.query({ query: 'SELECT count() AS n FROM events', format: 'JSONEachRow' });
    expect(await rs.json()).toHaveLength(1);
  });

  it('restarts ingest after a SIGKILL, ready again', async () => {
    const ingest = t.stack.processes.get('ingest')!;
    await killAndWaitForRestart('ingest', ingest.child.pid!, () => ingest.child.kill('SIGKILL'));
    expect(await httpOk(`${t.stack.ingestUrl}/readyz`)).toBe(true);
  });

  it('stores events sent through ingest after the restarts', async () => {
    const result = await sendBatches({
      ingestUrl: t.stack.ingestUrl,
      writeKey: t.stack.writeKey,
      batches: makeBatches(500, 50, { eventType: 'after_restarts' }),
      concurrency: 2,
    });
    expect(result.acceptedIds).toHaveLength(500);
    await eventually(async () => (await t.count(`event_type = 'after_restarts'`)).rows >= 500, 120_000);
    expect(await t.count(`event_type = 'after_restarts'`)).toEqual({ rows: 500, distinct: 500 });
    expect(t.supervisor.events.filter((e) => e.kind === 'give-up' || e.kind === 'restart-failed')).toEqual(
      [],
    );
  });

  it('does not restart an app stopped on purpose', async () => {
    const workers = t.stack.processes.get('workers')!;
    const mark = t.mark();
    await workers.stop();
    expect(workers.child.signalCode ?? workers.child.exitCode).not.toBeNull();
    const service = t.supervisor.service('workers')!;
    expect(service.state).toBe('stopped');
    expect(service.current).toBeNull();
    expect(t.supervisor.events.filter((e) => e.seq > mark).map((e) => [e.name, e.kind])).toEqual([
      ['workers', 'stop'],
    ]);
    // Started again by the caller, not by the supervisor.
    await t.stack.startApp('workers');
    expect(t.supervisor.events.filter((e) => e.seq > mark).map((e) => e.kind)).toEqual(['stop', 'start']);
  });
});
