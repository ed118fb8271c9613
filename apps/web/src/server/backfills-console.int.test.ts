// The backfills router as the console calls it, against real Postgres and ClickHouse isolated
// for this file: who may start and stop, and a backfill run in this process to its end with a
// progress the page can draw.
import { createClickHouse, insertRows, toDateTime64 } from '@tributary/clickhouse';
import { createDb, type Db } from '@tributary/db';
import { createProcessor, createVersion, readAggregate } from '@tributary/processors';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, isolate, type Isolated } from '../../../../scripts/test-infra/fixtures.ts';
import type { Actor } from './auth/actor.ts';
import { userActor } from './auth/test-actors.ts';

let iso: Isolated;
let db: Db;
let ch: ReturnType<typeof createClickHouse>;
const T0 = Date.parse('2026-07-01T00:00:00.000Z');

beforeAll(async () => {
  iso = await isolate();
  db = createDb(iso.databaseUrl);
  ch = createClickHouse({ url: iso.clickhouseUrl });
  // NOTE: the console's env is parsed when first imported, so the router loads after this.
  process.env.DATABASE_URL = iso.databaseUrl;
  process.env.CLICKHOUSE_URL = iso.clickhouseUrl;
  process.env.CLICKHOUSE_DATABASE = iso.clickhouseDatabase;
  process.env.KAFKA_BROKERS = iso.brokers;
  process.env.TOPIC_PREFIX = iso.topicPrefix;
  await insertRows(
    ch,
    `${iso.clickhouseDatabase}.events`,
    Array.from({ length: 300 }, (_, i) => {
      const at = toDateTime64(T0 + i * 1000);
      return {
        event_id: `b-${i}`,
        event_type: 'web_it.visit',
        timestamp: at,
        user_id: `u${i % 7}`,
        data: {},
        metadata: {},
        source: 'web',
        schema_version: null,
        received_at: at,
        processed_at: at,
      };
    }),
  );
  await createProcessor(db, { name: 'visits' }, { actor: 'it' });
  await createVersion(
    db,
    'visits',
    {
      inputs: { eventTypes: ['web_it.visit'] },
      steps: [
        {
          id: 'per_minute',
          kind: 'aggregate',
          window: { type: 'tumbling', sizeSeconds: 60 },
          graceSeconds: 0,
          measures: [
            { name: 'visits', fn: 'count' },
            { name: 'visitors', fn: 'uniq', field: 'user_id' },
          ],
        },
      ],
      output: { kind: 'aggregate', table: 'visits_per_minute' },
    },
    { actor: 'it' },
  );
});

afterAll(async () => {
  const { getDb } = await import('./db.ts');
  await getDb().$disconnect();
  await ch?.close();
  await db?.$disconnect();
  await iso?.cleanup();
});

async function caller(actor: Actor) {
  const { appRouter } = await import('./routers/index.ts');
  const { callerContext } = await import('./trpc.ts');
  return appRouter.createCaller(callerContext({ client: ch, database: iso.clickhouseDatabase }, actor));
}

describe('backfills router', () => {
  it('lets a schema owner backfill a version, readers follow it, and viewers not start one', async () => {
    const input = { processor: 'visits', version: 1, from: new Date(T0), to: new Date(T0 + 3_600_000) };
    const viewer = await caller(userActor('viewer'));
    const refused = await viewer.backfills.start(input).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(TRPCError);
    expect((refused as TRPCError).code).toBe('FORBIDDEN');

    const owner = await caller(userActor('schema_owner'));
    const started = await owner.backfills.start(input);
    expect(started).toMatchObject({ processor: 'visits', version: 1, total: 300 });
    const finished = await eventually(async () => {
      const b = await viewer.backfills.get({ id: started.id });
      return b.state === 'finished' ? b : null;
    });
    expect(finished).toMatchObject({ rowsDone: 300, kept: 300, progress: 1 });
    expect((await viewer.backfills.list({ processor: 'visits' })).map((b) => b.id)).toEqual([started.id]);
    const rows = await readAggregate({ client: ch, database: iso.clickhouseDatabase }, 'visits_per_minute', {
      from: T0,
      to: T0 + 3_600_000,
      run: finished.run,
    });
    expect(rows.map((r) => r.values.visits)).toEqual([60, 60, 60, 60, 60]);

    // Starting it again finds the same, finished backfill.
    expect((await owner.backfills.start(input)).id).toBe(started.id);
    const stop = await owner.backfills.stop({ id: started.id }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((stop as TRPCError).code).toBe('CONFLICT');
  });
});
