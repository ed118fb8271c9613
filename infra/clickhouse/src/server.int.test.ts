// Conformance of the embedded server with what @clickhouse/client and curl expect from a
// ClickHouse HTTP server. Runs against the real CLI in a child process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClickHouseError, ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnEmbeddedClickHouse, type SpawnedClickHouse } from './spawn.ts';

let dataDir: string;
let server: SpawnedClickHouse;
let client: ClickHouseClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tributary-ch-'));
  server = await spawnEmbeddedClickHouse({ dataDir });
  client = createClient({ url: server.url, request_timeout: 60_000, log: { level: ClickHouseLogLevel.OFF } });
  await client.command({ query: 'CREATE DATABASE IF NOT EXISTS conf' });
}, 90_000);

afterAll(async () => {
  await client?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClickHouseError);
  return (err as ClickHouseError).code;
}

describe('embedded ClickHouse over HTTP', () => {
  it('answers ping, both to the client and to plain HTTP', async () => {
    expect((await client.ping()).success).toBe(true);
    const res = await fetch(`${server.url}/ping`);
    expect(await res.text()).toBe('Ok.\n');
  });

  it('answers plain SQL in the body in TabSeparated, as curl --data-binary sends it', async () => {
    await client.command({ query: 'CREATE TABLE conf.plain (n UInt32) ENGINE = MergeTree ORDER BY n' });
    await client.insert({ table: 'conf.plain', values: [{ n: 1 }, { n: 2 }], format: 'JSONEachRow' });
    const one = await fetch(`${server.url}/`, { method: 'POST', body: 'SELECT 1' });
    expect(one.status).toBe(200);
    expect(await one.text()).toBe('1\n');
    const count = await fetch(`${server.url}/`, { method: 'POST', body: 'SELECT count() FROM conf.plain' });
    expect(await count.text()).toBe('2\n');
    const viaGet = await fetch(`${server.url}/?query=${encodeURIComponent('SELECT 40 + 2')}`);
    expect(await viaGet.text()).toBe('42\n');
  });

  it('returns JSONEachRow, JSON and CSV', async () => {
    const sql = 'SELECT number AS n, toString(number) AS s FROM numbers(3)';
    const eachRow = await (
      await client.query({ query: sql, format: 'JSONEachRow' })
    ).json<{ n: number; s: string }>();
    expect(eachRow).toEqual([
      { n: 0, s: '0' },
      { n: 1, s: '1' },
      { n: 2, s: '2' },
    ]);
    const json = await (await client.query({ query: sql, format: 'JSON' })).json<{ n: number }>();
    expect(json.data).toHaveLength(3);
    expect(json.meta?.map((m) => m.name)).toEqual(['n', 's']);
    const csv = await (await client.query({ query: sql, format: 'CSV' })).text();
    expect(csv).toBe('0,"0"\n1,"1"\n2,"2"\n');
  });

  it('binds {name:Type} parameters of several types', async () => {
    const rs = await client.query({
      query: `SELECT {s:String} AS s, {u:UInt32} + 1 AS u, {t:DateTime64(3, 'UTC')} AS t,
                     {arr:Array(String)} AS arr, {nums:Array(UInt32)} AS nums, {maybe:Nullable(String)} AS maybe`,
      format: 'JSONEachRow',
      query_params: {
        s: "it's a\ttab \\ and\nnewline",
        u: 41,
        t: new Date('2024-05-06T07:08:09.123Z'),
        arr: ["o'clock", 'b'],
        nums: [1, 2, 3],
        maybe: null,
      },
    });
    expect(await rs.json()).toEqual([
      {
        s: "it's a\ttab \\ and\nnewline",
        u: 42,
        t: '2024-05-06 07:08:09.123',
        arr: ["o'clock", 'b'],
        nums: [1, 2, 3],
        maybe: null,
      },
    ]);
  });

  it('inserts 100k JSONEachRow rows', async () => {
    await client.command({
      query: `CREATE TABLE conf.bulk (id UInt64, name String, ts DateTime64(3, 'UTC'))
              ENGINE = MergeTree ORDER BY id`,
    });
    const rows = Array.from({ length: 100_000 }, (_, i) => ({
      id: i,
      name: `row-${i}`,
      ts: 1_700_000_000_000 + i,
    }));
    const result = await client.insert({ table: 'conf.bulk', values: rows, format: 'JSONEachRow' });
    expect(result.executed).toBe(true);
    expect(result.summary?.written_rows).toBe('100000');
    const rs = await client.query({
      query: 'SELECT count() AS c, max(id) AS m FROM conf.bulk',
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ c: 100000, m: 99999 }]);
  }, 60_000);

  it('stores and reads back objects in a JSON column', async () => {
    await client.command({
      query: 'CREATE TABLE conf.docs (id String, data JSON) ENGINE = MergeTree ORDER BY id',
    });
    await client.insert({
      table: 'conf.docs',
      values: [
        { id: 'a', data: { user: { plan: 'pro', seats: 3 }, tags: ['x', 'y'] } },
        { id: 'b', data: { user: { plan: 'free' } } },
      ],
      format: 'JSONEachRow',
    });
    const rs = await client.query({
      query: `SELECT id, data.user.plan AS plan, data FROM conf.docs ORDER BY id`,
      format: 'JSONEachRow',
    });
    const rows = await rs.json<{
      id: string;
      plan: string;
      data: { user: { plan: string; seats?: unknown } };
    }>();
    expect(rows.map((r) => [r.id, r.plan])).toEqual([
      ['a', 'pro'],
      ['b', 'free'],
    ]);
    expect(rows[0]?.data.user.plan).toBe('pro');
    // JSON paths keep their inferred types; Int64 comes back as a number or a quoted string.
    expect(Number(rows[0]?.data.user.seats)).toBe(3);
  });

  it('applies settings per request and does not leak them into the next one', async () => {
    const q = "SELECT getSetting('max_threads') AS v";
    const withSetting = await client.query({
      query: q,
      format: 'JSONEachRow',
      clickhouse_settings: { max_threads: 1 },
    });
    expect(await withSetting.json()).toEqual([{ v: 1 }]);
    const quoted = await client.query({
      query: 'SELECT toUInt64(5) AS x',
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
    });
    expect(await quoted.json()).toEqual([{ x: '5' }]);
    const without = await client.query({ query: q, format: 'JSONEachRow' });
    expect(await without.json()).not.toEqual([{ v: 1 }]);

    await client.command({
      query: `CREATE TABLE conf.times (ts DateTime64(3, 'UTC')) ENGINE = MergeTree ORDER BY ts`,
    });
    await client.insert({
      table: 'conf.times',
      values: [{ ts: '2024-05-06T07:08:09.123Z' }],
      format: 'JSONEachRow',
      clickhouse_settings: { date_time_input_format: 'best_effort', wait_end_of_query: 1 },
    });
    const rs = await client.query({ query: 'SELECT ts FROM conf.times', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ ts: '2024-05-06 07:08:09.123' }]);
  });

  it('uses the database given to the client', async () => {
    const scoped = createClient({ url: server.url, database: 'conf' });
    try {
      const rs = await scoped.query({ query: 'SELECT count() AS c FROM plain', format: 'JSONEachRow' });
      expect(await rs.json()).toEqual([{ c: 2 }]);
    } finally {
      await scoped.close();
    }
  });

  it('echoes the query_id', async () => {
    const rs = await client.query({ query: 'SELECT 1', format: 'JSONEachRow', query_id: 'conf-query-1' });
    expect(rs.query_id).toBe('conf-query-1');
    expect(rs.response_headers['x-clickhouse-query-id']).toBe('conf-query-1');
    await rs.close();
    const cmd = await client.command({ query: 'SELECT 1', query_id: 'conf-command-1' });
    expect(cmd.query_id).toBe('conf-command-1');
  });

  it('raises ClickHouseError with the engine code', async () => {
    expect(await codeOf(client.query({ query: 'SELEC 1', format: 'JSONEachRow' }))).toBe('62');
    expect(await codeOf(client.query({ query: 'SELECT * FROM conf.nope', format: 'JSONEachRow' }))).toBe(
      '60',
    );
    expect(
      await codeOf(
        client.command({ query: 'SELECT 1', clickhouse_settings: { no_such_setting: 1 } as never }),
      ),
    ).toBe('115');
    const res = await fetch(`${server.url}/`, { method: 'POST', body: 'SELECT * FROM conf.nope' });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('60');
    expect(await res.text()).toMatch(/^Code: 60\. DB::Exception: .*\(UNKNOWN_TABLE\)/);
  });

  it('deduplicates an insert repeated with the same insert_deduplication_token', async () => {
    await client.command({
      query: `CREATE TABLE conf.dedup (id UInt32) ENGINE = MergeTree ORDER BY id
              SETTINGS non_replicated_deduplication_window = 100`,
    });
    const batch = [{ id: 1 }, { id: 2 }];
    for (const token of ['batch-1', 'batch-1', 'batch-2']) {
      await client.insert({
        table: 'conf.dedup',
        values: batch,
        format: 'JSONEachRow',
        clickhouse_settings: { insert_deduplication_token: token },
      });
    }
    const rs = await client.query({ query: 'SELECT count() AS c FROM conf.dedup', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ c: 4 }]);
  });

  it('feeds a materialized view on insert', async () => {
    await client.command({
      query: 'CREATE TABLE conf.src (k String, v UInt32) ENGINE = MergeTree ORDER BY k',
    });
    await client.command({
      query: 'CREATE TABLE conf.agg (k String, total UInt64) ENGINE = SummingMergeTree ORDER BY k',
    });
    await client.command({
      query:
        'CREATE MATERIALIZED VIEW conf.src_mv TO conf.agg AS SELECT k, sum(v) AS total FROM conf.src GROUP BY k',
    });
    await client.insert({
      table: 'conf.src',
      values: [
        { k: 'a', v: 1 },
        { k: 'a', v: 2 },
        { k: 'b', v: 5 },
      ],
      format: 'JSONEachRow',
    });
    await client.insert({ table: 'conf.src', values: [{ k: 'a', v: 10 }], format: 'JSONEachRow' });
    const rs = await client.query({
      query: 'SELECT k, sum(total) AS t FROM conf.agg GROUP BY k ORDER BY k',
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([
      { k: 'a', t: 13 },
      { k: 'b', t: 5 },
    ]);
  });

  it('runs queries concurrently: a slow query does not hold up others or /ping', async () => {
    const order: string[] = [];
    const slow = client
      .query({
        query: 'SELECT sleepEachRow(1) FROM numbers(3) SETTINGS max_block_size = 1',
        format: 'JSONEachRow',
      })
      .then((rs) => rs.json())
      .then(() => order.push('slow'));
    const fast = Promise.all([
      client.ping().then((r) => expect(r.success).toBe(true)),
      ...Array.from({ length: 20 }, (_, i) =>
        client
          .query({ query: 'SELECT {i:UInt32} * 2 AS d', query_params: { i }, format: 'JSONEachRow' })
          .then((rs) => rs.json())
          .then((rows) => expect(rows).toEqual([{ d: i * 2 }])),
      ),
    ]).then(() => order.push('fast'));
    await Promise.all([slow, fast]);
    expect(order).toEqual(['fast', 'slow']);
  }, 30_000);

  it('speaks gzip in both directions when the client asks for it', async () => {
    const gz = createClient({ url: server.url, compression: { request: true, response: true } });
    try {
      await gz.insert({ table: 'conf.plain', values: [{ n: 3 }], format: 'JSONEachRow' });
      const rs = await gz.query({ query: 'SELECT count() AS c FROM conf.plain', format: 'JSONEachRow' });
      expect(rs.response_headers['content-encoding']).toBe('gzip');
      expect(await rs.json()).toEqual([{ c: 3 }]);
    } finally {
      await gz.close();
    }
  });

  it('keeps data across a stop and a restart on the same directory', async () => {
    await client.close();
    await server.stop();
    server = await spawnEmbeddedClickHouse({ dataDir });
    client = createClient({ url: server.url });
    const rs = await client.query({ query: 'SELECT count() AS c FROM conf.bulk', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ c: 100000 }]);
  }, 90_000);
});
