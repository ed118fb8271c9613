import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicNames } from '@tributary/contracts';
import { makeEvent, sendBatches } from '../../scripts/lib/load.ts';
import { eventually } from '../../scripts/test-infra/fixtures.ts';
import { startTestStack, type TestStack } from '../../scripts/lib/test-stack.ts';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
  // The contract lets these events through ingest; ClickHouse itself refuses them. A CHECK
  // constraint is the most direct way to have the real server reject some rows of a batch.
  await t.clickhouse.command({
    query: `ALTER TABLE events ADD CONSTRAINT refuses_poison CHECK event_type != 'perm_poison'`,
  });
});
afterAll(async () => {
  await t?.stop();
});

describe('a permanent ClickHouse rejection', () => {
  it('dead-letters only the rejected rows (stage sink) and stores the rest of the batch once', async () => {
    const workers = t.stack.processes.get('workers')!;
    const workersPid = workers.child.pid;
    const poisonAt = new Set([7, 42, 88]);
    const batch = Array.from({ length: 100 }, (_, i) =>
      makeEvent(i, 8, poisonAt.has(i) ? 'perm_poison' : 'perm_ok'),
    );
    const poisonIds = batch.filter((e) => e.event_type === 'perm_poison').map((e) => e.event_id);
    const sent = await sendBatches({
      ingestUrl: t.stack.ingestUrl,
      writeKey: t.stack.writeKey,
      batches: [batch],
      concurrency: 1,
    });
    expect(sent.acceptedIds).toHaveLength(100);

    await t.drained();
    await eventually(async () => {
      const rs = await t.clickhouse.query({
        query: `SELECT count() AS n FROM dead_letters WHERE event_type = 'perm_poison'`,
        format: 'JSONEachRow',
      });
      return Number((await rs.json<{ n: string }>())[0]!.n) >= poisonIds.length;
    }, 60_000);
    await t.deadLettersDrained();

    const rs = await t.clickhouse.query({
      query: `SELECT event_id, stage, code, message, payload, origin_topic FROM dead_letters ORDER BY event_id`,
      format: 'JSONEachRow',
    });
    const dead = await rs.json<{
      event_id: string;
      stage: string;
      code: string;
      message: string;
      payload: string;
      origin_topic: string;
    }>();
    const rowByRow = readFileSync(workers.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('inserting row by row')).length;
    console.log(
      `dead letters: ${dead.length} (${dead.map((d) => `${d.stage}/${d.code}`).join(', ')}); ` +
        `row-by-row fallbacks logged: ${rowByRow}; reason: ${dead[0]?.message.slice(0, 160)}`,
    );

    expect(dead.map((d) => d.event_id)).toEqual([...poisonIds].sort());
    for (const d of dead) {
      expect(d).toMatchObject({
        stage: 'sink',
        code: 'insert_rejected',
        origin_topic: topicNames(t.config.topicPrefix).events,
      });
      expect(d.message).toMatch(/refuses_poison|VIOLATED_CONSTRAINT/);
      // The original event travels with its dead letter, ready for a replay.
      expect((JSON.parse(d.payload) as { event_id: string }).event_id).toBe(d.event_id);
    }
    expect(rowByRow).toBeGreaterThan(0);
    expect(await t.count(`event_type = 'perm_ok'`)).toEqual({ rows: 97, distinct: 97 });
    expect(await t.count(`event_type = 'perm_poison'`)).toEqual({ rows: 0, distinct: 0 });
    expect(workers.child.pid).toBe(workersPid);
    expect(workers.child.exitCode).toBeNull();
  });
});
