import { createClickHouse, insertRows, toDateTime64, type ClickHouseClient } from '@tributary/clickhouse';
import { createDb, type Db } from '@tributary/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../../../../scripts/test-infra/fixtures.ts';
import { createProcessor, createVersion } from '../processors.ts';
import { readAggregate } from '../tables/read-aggregate.ts';
import {
  getBackfill,
  listBackfills,
  startBackfill,
  stopBackfill,
  type BackfillDeps,
} from './backfill-jobs.ts';

// Backfill jobs as the console runs them: recorded in Postgres, audited, stopped and resumed
// from their record, and found again (not run twice) when started a second time.

const T0 = Date.parse('2026-06-01T00:00:00.000Z');
const EVENTS = 6_000;

describe('backfill jobs', () => {
  let iso: Isolated;
  let ch: ClickHouseClient;
  let db: Db;
  let deps: BackfillDeps;
  const actor = 'user:backfill-test';

  beforeAll(async () => {
    iso = await isolate();
    ch = createClickHouse({ url: iso.clickhouseUrl, requestTimeoutMs: 120_000 });
    db = createDb(iso.databaseUrl);
    deps = { db, target: { client: ch, database: iso.clickhouseDatabase } };
    await insertRows(
      ch,
      `${iso.clickhouseDatabase}.events`,
      Array.from({ length: EVENTS }, (_, i) => {
        const at = toDateTime64(T0 + ((i * 7919) % (60 * 60_000)));
        return {
          event_id: `j${i}`,
          event_type: 'checkout',
          timestamp: at,
          user_id: `u${i % 90}`,
          data: { plan: i % 3 === 0 ? 'pro' : 'free' },
          metadata: {},
          source: 'web',
          schema_version: null,
          received_at: at,
          processed_at: at,
        };
      }),
    );
    await createProcessor(db, { name: 'checkouts' }, { actor });
    await createVersion(
      db,
      'checkouts',
      {
        inputs: { eventTypes: ['checkout'] },
        steps: [
          {
            id: 'per_plan',
            kind: 'aggregate',
            window: { type: 'tumbling', sizeSeconds: 600 },
            graceSeconds: 60,
            groupBy: [{ name: 'plan', field: 'data.plan' }],
            measures: [
              { name: 'checkouts', fn: 'count' },
              { name: 'buyers', fn: 'uniq', field: 'user_id' },
            ],
          },
        ],
        output: { kind: 'aggregate', table: 'checkouts_per_plan' },
      },
      { actor },
    );
  });

  afterAll(async () => {
    await db?.$disconnect();
    await ch?.close();
    await iso?.cleanup();
  });

  const total = async (run: string) =>
    (
      await readAggregate(deps.target, 'checkouts_per_plan', {
        from: T0 - 3_600_000,
        to: T0 + 7_200_000,
        run,
      })
    ).reduce((n, r) => n + (r.values.checkouts as number), 0);

  it('runs to the end once, and a second start finds the finished backfill', async () => {
    const input = { processor: 'checkouts', version: 1, from: new Date(T0), to: new Date(T0 + 30 * 60_000) };
    const { backfill, done } = await startBackfill(deps, input, actor);
    expect(backfill).toMatchObject({ state: 'running', processor: 'checkouts', version: 1, rowsDone: 0 });
    const ended = await done;
    expect(ended).toMatchObject({ state: 'finished', progress: 1, rowsDone: ended.total });
    expect(ended.total).toBeGreaterThan(0);
    expect(await total(ended.run)).toBe(ended.total);

    const again = await startBackfill(deps, input, actor);
    expect(again.backfill).toEqual(ended);
    expect(await again.done).toEqual(ended);
    expect(await total(ended.run)).toBe(ended.total);
    const audit = await db.auditLog.findMany({ where: { entityId: ended.id } });
    expect(audit.map((a) => a.action).sort()).toEqual(['processor.backfill', 'processor.backfill_ended']);
  });

  it('stops on request and resumes from its record when started again', async () => {
    const input = {
      processor: 'checkouts',
      version: 1,
      from: new Date(T0),
      to: new Date(T0 + 60 * 60_000),
      rate: 2_000, // chunks of 2,000 events a second apart
    };
    const { backfill, done } = await startBackfill(deps, input, actor);
    await stopBackfill(deps, backfill.id, actor);
    const stopped = await done;
    expect(stopped.state).toBe('stopped');
    expect(stopped.rowsDone).toBeLessThan(stopped.total);
    await expect(stopBackfill(deps, backfill.id, actor)).rejects.toThrow(/is stopped, not running/);

    const resumed = await startBackfill(deps, input, actor);
    expect(resumed.backfill.id).toBe(backfill.id);
    const ended = await resumed.done;
    expect(ended).toMatchObject({ state: 'finished', rowsDone: EVENTS, total: EVENTS, progress: 1 });
    expect(await total(ended.run)).toBe(EVENTS);
    expect(await getBackfill(db, backfill.id)).toEqual(ended);
    expect((await listBackfills(db, { processor: 'checkouts' })).map((b) => b.state)).toEqual([
      'finished',
      'finished',
    ]);
  });
});
