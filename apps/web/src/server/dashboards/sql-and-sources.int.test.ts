// SQL panels, processor-table sources and field suggestions through the console's dashboards
// router, against the real ClickHouse engine, Postgres and Redis: who may save SQL, a saved SQL
// panel's data equals its SQL run by hand (cached for every viewer), a processor panel's numbers
// equal hand SQL over its table, a column that is gone is named, and the builder's fields come
// from the registry. NOTE: the shared test server has no users, so the "analyst" target here is a
// plain client; the analyst user's own refusals are in packages/analytics/src/sql/run-sql-panel.int.test.ts.
import { createClickHouse, insertRows, toDateTime64, type QueryTarget } from '@tributary/clickhouse';
import { processorDefinitionSchema, type DashboardDefinitionInput } from '@tributary/contracts';
import { createDb, type Db } from '@tributary/db';
import { createProcessor, createVersion, ensureProcessorTables } from '@tributary/processors';
import { registerVersion } from '@tributary/registry';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, setConsoleEnv, type Isolated } from '../../../../../scripts/test-infra/fixtures.ts';
import { keyActor, userActor } from '../auth/test-actors.ts';

let iso: Isolated;
let db: Db;
let target: QueryTarget;
const NOW = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000;
const layout = { x: 0, y: 0, w: 6, h: 4 };

const tableDef = (columns: Array<{ name: string; field: string; type: string }>) =>
  processorDefinitionSchema.parse({
    inputs: { eventTypes: ['purchase'] },
    steps: [{ id: 'keep', kind: 'filter', expression: 'true' }],
    output: { kind: 'table', table: 'orders', columns },
  });

beforeAll(async () => {
  iso = await isolate();
  db = createDb(iso.databaseUrl);
  target = { client: createClickHouse({ url: iso.clickhouseUrl }), database: iso.clickhouseDatabase };
  // NOTE: the console's env is parsed when first imported, so the router loads only after this.
  setConsoleEnv(iso, { ANALYST_CLICKHOUSE_USER: 'default' });

  const rows = Array.from({ length: 600 }, (_, i) => {
    const at = NOW - 90 * 60_000 + i * 10_000;
    return {
      event_id: `sq-${i}`,
      event_type: i % 3 === 0 ? 'purchase' : 'page_view',
      timestamp: toDateTime64(at),
      user_id: `u-${i % 7}`,
      data: { amount: i % 3 === 0 ? i : null },
      metadata: {},
      source: i % 2 === 0 ? 'web' : 'ios',
      schema_version: 1,
      received_at: toDateTime64(at),
      processed_at: toDateTime64(at),
    };
  });
  await insertRows(target.client, `${iso.clickhouseDatabase}.events`, rows);

  await registerVersion(
    db,
    'purchase',
    { type: 'object', properties: { amount: { type: 'number' }, plan: { type: 'string' } } },
    { actor: 'test' },
  );

  // A processor writing its own table, with rows in it (one redelivered: FINAL counts it once).
  const def = tableDef([
    { name: 'amount', field: 'data.amount', type: 'Float64' },
    { name: 'plan', field: 'data.plan', type: 'String' },
  ]);
  await createProcessor(db, { name: 'orders' }, { actor: 'test' });
  await createVersion(db, 'orders', def, { actor: 'test' });
  await ensureProcessorTables(target, 'orders', def);
  const procRows = Array.from({ length: 120 }, (_, i) => {
    const at = NOW - 50 * 60_000 + i * 20_000;
    return {
      event_id: `po-${i}`,
      event_type: 'purchase',
      source: i % 2 === 0 ? 'web' : 'ios',
      timestamp: toDateTime64(at),
      processor_version: 1,
      amount: i * 1.5,
      plan: i % 4 === 0 ? 'pro' : 'free',
    };
  });
  await insertRows(target.client, `${iso.clickhouseDatabase}.proc_orders`, procRows);
  await insertRows(target.client, `${iso.clickhouseDatabase}.proc_orders`, procRows.slice(0, 10));
});

afterAll(async () => {
  const { getDb } = await import('../db.ts');
  await getDb().$disconnect();
  const { getRedis } = await import('../redis.ts');
  getRedis().disconnect();
  await db?.$disconnect();
  await target?.client.close();
  await iso?.cleanup();
});

async function caller(actor = userActor('operator')) {
  const { appRouter } = await import('../routers/index.ts');
  const { callerContext } = await import('../trpc.ts');
  return appRouter.createCaller(callerContext(target, actor));
}

async function failure(p: Promise<unknown>): Promise<TRPCError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  return err as TRPCError;
}

const SQL = `SELECT event_type, count() AS v FROM events
  WHERE timestamp >= {from:DateTime64(3)} AND timestamp < {to:DateTime64(3)}
  GROUP BY event_type ORDER BY event_type`;

const sqlDashboard = (sql = SQL): DashboardDefinitionInput => ({
  range: '1h',
  panels: [{ id: 'by-hand', title: 'By hand', viz: 'bar', sql, layout }],
});

describe('raw SQL panels in the console', () => {
  it('may be saved by an operator, not by a viewer or a key without dashboards:sql', async () => {
    const viewer = await failure(
      (await caller(userActor('viewer'))).dashboards.create({
        slug: 'v',
        title: 'V',
        definition: sqlDashboard(),
      }),
    );
    expect(viewer.code).toBe('FORBIDDEN');
    const writer = await failure(
      (await caller(keyActor(['dashboards:write']))).dashboards.create({
        slug: 'k',
        title: 'K',
        definition: sqlDashboard(),
      }),
    );
    expect(writer.code).toBe('FORBIDDEN');
    expect(writer.message).toMatch(/raw SQL panels \(by-hand\) need the dashboards:sql permission/);
    const refused = await failure(
      (await caller()).dashboards.create({
        slug: 'bad',
        title: 'Bad',
        definition: sqlDashboard('SELECT * FROM system.tables'),
      }),
    );
    expect(refused.code).toBe('BAD_REQUEST');
    expect(refused.message).toMatch(/panel by-hand: refused: system\.tables/);
    await (await caller()).dashboards.create({ slug: 'sql', title: 'SQL', definition: sqlDashboard() });
    // The key may still save the dashboard when its SQL is unchanged (a title edit).
    const stored = await (await caller()).dashboards.get({ slug: 'sql' });
    await (
      await caller(keyActor(['dashboards:write']))
    ).dashboards.update({
      slug: 'sql',
      revision: stored.revision,
      title: 'SQL, renamed',
      definition: stored.definition,
    });
  });

  it("a viewer sees the saved panel's rows, equal to the SQL run by hand, one query for all", async () => {
    const viewer = await caller(userActor('viewer'));
    const results = await Promise.all(
      Array.from({ length: 10 }, () => viewer.dashboards.panel({ slug: 'sql', panelId: 'by-hand' })),
    );
    expect(results.filter((r) => r.cache === 'computed')).toHaveLength(1);
    const r = results[0]!;
    expect(r.source).toBe('sql');
    const rs = await target.client.query({
      query: `SELECT event_type, count() AS v FROM ${iso.clickhouseDatabase}.events
        WHERE timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND timestamp < fromUnixTimestamp64Milli({to:Int64})
        GROUP BY event_type ORDER BY event_type`,
      query_params: r.range,
      format: 'JSONEachRow',
    });
    const expected = (await rs.json()) as Array<{ event_type: string; v: number }>;
    expect(r.series.map((s) => ({ event_type: s.key[0], v: s.points[0]?.v }))).toEqual(expected);
    expect(r.table?.rows).toEqual(expected.map((e) => [e.event_type, e.v]));
  });

  it('previews SQL for those with dashboards:sql only', async () => {
    const preview = await (await caller()).dashboards.sqlPreview({ sql: 'SELECT 1 AS v', range: '1h' });
    expect(preview.rows).toEqual([[1]]);
    expect(
      (await failure((await caller(userActor('viewer'))).dashboards.sqlPreview({ sql: 'SELECT 1' }))).code,
    ).toBe('FORBIDDEN');
    const drop = await failure((await caller()).dashboards.sqlPreview({ sql: 'DROP TABLE events' }));
    expect(drop.message).toMatch(/^refused: only a SELECT/);
  });
});

describe('processor tables as panel sources', () => {
  const procPanel = (field = 'amount') => ({
    range: '1h' as const,
    panels: [
      {
        id: 'revenue',
        title: 'Revenue by plan',
        viz: 'line' as const,
        query: {
          source: { kind: 'processor' as const, processor: 'orders' },
          measure: { fn: 'sum' as const, field },
          groupBy: ['plan'],
          interval: 300 as const,
        },
        layout,
      },
    ],
  });

  it("equal hand SQL over the processor's table", async () => {
    await (await caller()).dashboards.create({ slug: 'proc', title: 'Proc', definition: procPanel() });
    const r = await (
      await caller(userActor('viewer'))
    ).dashboards.panel({ slug: 'proc', panelId: 'revenue' });
    expect(r.source).toBe('raw');
    const rs = await target.client.query({
      query: `SELECT plan, toUnixTimestamp(toStartOfInterval(timestamp, INTERVAL 300 SECOND)) * 1000 AS t, sum(amount) AS v
        FROM ${iso.clickhouseDatabase}.proc_orders FINAL
        WHERE timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND timestamp < fromUnixTimestamp64Milli({to:Int64})
        GROUP BY plan, t ORDER BY plan, t`,
      query_params: r.range,
      format: 'JSONEachRow',
    });
    const expected = (await rs.json()) as Array<{ plan: string; t: number; v: number }>;
    expect(expected.length).toBeGreaterThan(5);
    const got = r.series
      .flatMap((s) => s.points.filter((p) => p.v !== null).map((p) => ({ plan: s.key[0], t: p.t, v: p.v })))
      .sort((a, b) => (a.plan! < b.plan! ? -1 : a.plan! > b.plan! ? 1 : a.t - b.t));
    expect(got).toEqual(expected);
  });

  it('refuses to save an unknown processor or column, and a panel whose column is gone says why', async () => {
    const unknown = await failure(
      (await caller()).dashboards.create({
        slug: 'p2',
        title: 'P2',
        definition: {
          ...procPanel(),
          panels: [
            {
              ...procPanel().panels[0]!,
              query: { ...procPanel().panels[0]!.query, source: { kind: 'processor', processor: 'nope' } },
            },
          ],
        },
      }),
    );
    expect(unknown.message).toMatch(/panel revenue: processor nope does not exist/);
    const column = await failure(
      (await caller()).dashboards.create({ slug: 'p3', title: 'P3', definition: procPanel('price') }),
    );
    expect(column.message).toMatch(/proc_orders has no column price/);

    await target.client.command({
      query: `ALTER TABLE ${iso.clickhouseDatabase}.proc_orders DROP COLUMN amount`,
    });
    const gone = await failure(
      (await caller(userActor('viewer'))).dashboards.panel({ slug: 'proc', panelId: 'revenue', range: '6h' }),
    );
    expect(gone.code).toBe('BAD_REQUEST');
    expect(gone.message).toMatch(/processor orders's table proc_orders has no column amount \(any more\)/);
  });
});

describe('field suggestions', () => {
  it("list the registry's fields with their types, and a processor table's columns", async () => {
    const fields = await (
      await caller(userActor('viewer'))
    ).dashboards.fields({
      source: { kind: 'events', eventTypes: ['purchase'] },
    });
    expect(fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'event_type', type: 'string' }),
        expect.objectContaining({ path: 'data.amount', type: 'number', numeric: true, from: ['purchase'] }),
        expect.objectContaining({ path: 'data.plan', type: 'string', numeric: false }),
      ]),
    );
    const columns = await (
      await caller(userActor('viewer'))
    ).dashboards.fields({
      source: { kind: 'processor', processor: 'orders' },
    });
    expect(columns.map((c) => c.path)).toEqual(expect.arrayContaining(['plan', 'timestamp', 'event_type']));
  });

  it('an events panel over a data field the schema no longer declares carries a notice', async () => {
    await (
      await caller()
    ).dashboards.create({
      slug: 'gone',
      title: 'Gone',
      definition: {
        range: '1h',
        panels: [
          {
            id: 'old',
            title: 'Old field',
            viz: 'stat',
            query: {
              source: { kind: 'events', eventTypes: ['purchase'] },
              measure: { fn: 'sum', field: 'data.discount' },
            },
            layout,
          },
        ],
      },
    });
    const r = await (await caller(userActor('viewer'))).dashboards.panel({ slug: 'gone', panelId: 'old' });
    expect(r.notices).toHaveLength(1);
    expect(r.notices[0]).toMatch(
      /^data\.discount is not in the latest schema \(purchase v\d+\): it was removed or renamed, so only older events carry it$/,
    );
  });
});
