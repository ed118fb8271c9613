// The access package against the real embedded ClickHouse: migrations, inserts, dedup, views.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { benchRawInsert } from './bench.ts';
import { createClickHouse } from './client.ts';
import { insertRows, toDateTime64 } from './insert.ts';
import { defaultMigrationsDir, migrate, MigrationError } from './migrate.ts';
import { waitForPing } from './ping.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    clickhouseUrl: string;
  }
}

// The run's ClickHouse (the embedded server unless TEST_CLICKHOUSE_URL names another).
const url = inject('clickhouseUrl');
const db = `tributary_chpkg_${randomBytes(4).toString('hex')}`;
let tmp: string;
let client: ReturnType<typeof createClickHouse>;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tributary-chpkg-'));
  client = createClickHouse({ url });
});

afterAll(async () => {
  await client?.command({ query: `DROP DATABASE IF EXISTS ${db}` });
  await client?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('@tributary/clickhouse against the embedded server', () => {
  it('waits for ping', async () => {
    await waitForPing(url, 5_000);
    await expect(waitForPing('http://127.0.0.1:1', 300)).rejects.toThrow(/did not answer/);
  });

  it('migrates a fresh database, and a second run applies nothing', async () => {
    const first = await migrate({ client, database: db });
    expect(first.applied).toEqual([
      '0001_events.sql',
      '0002_dead_letters.sql',
      '0003_pipeline_metrics.sql',
      '0004_events_per_minute.sql',
      '0005_dead_letter_status.sql',
      '0006_events_keyed_by_source.sql',
      '0007_events_processor_columns.sql',
      '0008_consumer_lag.sql',
      '0009_rollups.sql',
    ]);
    const second = await migrate({ client, database: db });
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toHaveLength(9);

    const rs = await client.query({
      query: 'SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name',
      query_params: { db },
      format: 'JSONEachRow',
    });
    expect((await rs.json<{ name: string }>()).map((r) => r.name)).toEqual([
      'consumer_lag',
      'dead_letter_status',
      'dead_letters',
      'events',
      'events_per_minute',
      'events_per_minute_mv',
      'pipeline_metrics',
      'rollup_events_1h',
      'rollup_events_1h_mv',
      'rollup_events_1m',
      'rollup_events_1m_mv',
      'schema_migrations',
    ]);
  });

  it('refuses an applied migration whose file changed', async () => {
    const dir = join(tmp, 'migrations');
    cpSync(defaultMigrationsDir(), dir, { recursive: true });
    writeFileSync(join(dir, '0003_pipeline_metrics.sql'), '-- edited\nSELECT 1;\n');
    const err = await migrate({ client, database: db, migrationsDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toMatch(/0003_pipeline_metrics\.sql was applied .* add a new migration/);
  });

  it('stores an event with nested JSON data, deduplicates a retried batch and feeds events_per_minute', async () => {
    // Recent: events_per_minute has a 30-day TTL that drops older rows as they are written.
    const received = new Date();
    const minute = toDateTime64(Math.floor(received.getTime() / 60_000) * 60_000).slice(0, 19);
    const event = {
      event_id: 'evt-1',
      event_type: 'purchase',
      timestamp: toDateTime64(received),
      user_id: 'u-1',
      data: { order: { id: 'o-9', total: 12.5, items: [{ sku: 'a', qty: 2 }] }, coupon: null },
      metadata: { ip: '10.0.0.1' },
      source: 'web',
      schema_version: 2,
      received_at: received.toISOString(),
      processed_at: toDateTime64(received),
    };
    const token = 'events:0:100-100';
    const first = await insertRows(client, `${db}.events`, [event], { dedupToken: token });
    expect(first.writtenRows).toBeGreaterThan(0);
    await insertRows(client, `${db}.events`, [event], { dedupToken: token });
    await insertRows(client, `${db}.events`, [{ ...event, event_id: 'evt-2' }], {
      dedupToken: 'events:0:101-101',
    });

    const rs = await client.query({
      query: `SELECT event_id, data.order.id AS order_id, data.order.total AS total, data, received_at, inserted_at > 0 AS has_inserted_at
              FROM ${db}.events ORDER BY event_id`,
      format: 'JSONEachRow',
    });
    const rows = await rs.json<{
      event_id: string;
      order_id: string;
      total: number;
      data: { order: { items: { sku: string; qty: number }[] } };
      received_at: string;
      has_inserted_at: number;
    }>();
    expect(rows.map((r) => r.event_id)).toEqual(['evt-1', 'evt-2']);
    expect(rows[0]).toMatchObject({
      order_id: 'o-9',
      total: 12.5,
      received_at: toDateTime64(received),
      has_inserted_at: 1,
    });
    expect(rows[0]?.data.order.items[0]?.sku).toBe('a');

    const perMinute = await client.query({
      query: `SELECT minute, event_type, sum(events) AS events FROM ${db}.events_per_minute GROUP BY minute, event_type`,
      format: 'JSONEachRow',
    });
    expect(await perMinute.json()).toEqual([{ minute, event_type: 'purchase', events: 2 }]);
  });

  it('keeps text that looks like a date as the producer wrote it', async () => {
    const data = { at: '2026-01-01T10:00:00.123+02:00', day: '2026-01-01', plain: '2026-01-01 10:00:00' };
    const now = new Date();
    await insertRows(client, `${db}.events`, [
      {
        event_id: 'evt-dates',
        event_type: 'dates',
        timestamp: toDateTime64(now),
        user_id: null,
        data,
        metadata: {},
        source: 'web',
        schema_version: 1,
        received_at: toDateTime64(now),
        processed_at: toDateTime64(now),
      },
    ]);
    const rs = await client.query({
      query: `SELECT data, dynamicType(data.at) AS t FROM ${db}.events WHERE event_id = 'evt-dates'`,
      format: 'JSONEachRow',
    });
    // Without the client's settings ClickHouse infers DateTime64 and hands back '2026-01-01 08:00:00.123000000'.
    expect(await rs.json()).toEqual([{ data, t: 'String' }]);
  });

  it('benchRawInsert reports a rate and leaves no scratch table', async () => {
    const result = await benchRawInsert({ url, database: db, rows: 2_000, batchSize: 500 });
    expect(result.rows).toBe(2_000);
    expect(result.rowsPerSec).toBeGreaterThan(0);
    const rs = await client.query({
      query: `SELECT count() AS c FROM system.tables WHERE database = {db:String} AND name LIKE 'bench_raw_events_%'`,
      query_params: { db },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ c: 0 }]);
  }, 60_000);
});
