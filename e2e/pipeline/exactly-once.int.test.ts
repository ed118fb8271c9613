import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatches, sendBatches } from '../../scripts/lib/load.ts';
import { eventually } from '../../scripts/test-infra/fixtures.ts';
import { startTestStack, type TestStack } from '../../scripts/lib/test-stack.ts';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

describe('exactly-once into ClickHouse', () => {
  it('stores 100,000 events sent in batches exactly once, and a resend adds none', async () => {
    const batches = makeBatches(100_000, 100, { eventType: 'load_once' });
    const first = await sendBatches({
      ingestUrl: t.stack.ingestUrl,
      writeKey: t.stack.writeKey,
      batches,
      concurrency: 8,
    });
    expect(first.acceptedIds).toHaveLength(100_000);

    await eventually(async () => (await t.count(`event_type = 'load_once'`)).rows >= 100_000, 180_000);
    expect(await t.count(`event_type = 'load_once'`)).toEqual({ rows: 100_000, distinct: 100_000 });

    const again = await sendBatches({
      ingestUrl: t.stack.ingestUrl,
      writeKey: t.stack.writeKey,
      batches,
      concurrency: 8,
    });
    expect(again.acceptedIds).toHaveLength(100_000);
    await t.drained();
    expect(await t.count(`event_type = 'load_once'`)).toEqual({ rows: 100_000, distinct: 100_000 });
  });

  it('keeps exactly 100,000 when the worker is SIGKILLed mid-load and mid-drain, and restarted', async () => {
    const batches = makeBatches(100_000, 100, { eventType: 'load_kill' });
    const count = async () => (await t.count(`event_type = 'load_kill'`)).rows;
    let killed = false;
    // The process killed, held apart: the supervisor may have started its successor (and
    // replaced the map entry) by the time the load ends.
    let victim: { exited: Promise<unknown> } | undefined;
    const sent = await sendBatches({
      ingestUrl: t.stack.ingestUrl,
      writeKey: t.stack.writeKey,
      batches,
      concurrency: 8,
      onResponse: (done) => {
        if (killed || done < 300) return;
        killed = true;
        const workers = t.stack.processes.get('workers')!;
        victim = workers;
        workers.child.kill('SIGKILL');
      },
    });
    expect(killed).toBe(true);
    expect(sent.acceptedIds).toHaveLength(100_000);
    await victim!.exited;
    const beforeRestart = await count();
    expect(beforeRestart).toBeLessThan(100_000);

    // The restarted worker drains a large backlog: killing it while it is busy inserting
    // exercises the crash-between-insert-and-commit recovery.
    await t.stack.startApp('workers');
    await eventually(async () => (await count()) >= beforeRestart + 15_000, 120_000);
    const busy = t.stack.processes.get('workers')!;
    busy.child.kill('SIGKILL');
    await busy.exited;
    await t.stack.startApp('workers');

    await eventually(async () => (await count()) >= 100_000, 180_000);
    await t.drained();
    expect(await t.count(`event_type = 'load_kill'`)).toEqual({ rows: 100_000, distinct: 100_000 });
  });
});
