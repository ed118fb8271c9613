// Raw SQL panels against the real engine, run the way the console runs them: an embedded server of
// its own with users (admin for setup, the read-only `analyst` reader with the limits npm start
// gives it), the platform's migrations applied. Refused statements never reach the run; a run
// past its time is stopped with plain words; a valid one equals the same SQL run by hand.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ClickHouseError,
  insertRows,
  migrate,
  toDateTime64,
  type ClickHouseClient,
  type QueryTarget,
} from '@tributary/clickhouse';
import { TributaryError } from '@tributary/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../../infra/clickhouse/src/access.ts';
import { useServer } from '../../../../infra/clickhouse/src/conformance/server-fixture.ts';
import { runSqlPanel } from './run-sql-panel.ts';

const usersFile = join(mkdtempSync(join(tmpdir(), 'tributary-sql-panels-')), 'users.json');
writeFileSync(
  usersFile,
  JSON.stringify([
    { name: 'admin', password_sha256_hex: hashPassword('admin-pw'), profile: 'admin' },
    {
      name: 'analyst',
      password_sha256_hex: hashPassword('analyst-pw'),
      profile: 'reader',
      limits: { max_execution_time: 120, max_rows_to_read: 10_000_000_000 },
    },
  ]),
);
const server = useServer({}, { usersFile });
const DB = 'tributary';
const MIN = 60_000;
const T0 = Date.parse('2026-03-10T00:00:00.000Z');
const RANGE = { from: T0, to: T0 + 60 * MIN };

let admin: ClickHouseClient;
let analyst: QueryTarget;

beforeAll(async () => {
  admin = server.newClient({ username: 'admin', password: 'admin-pw' });
  await migrate({ client: admin, database: DB });
  const rows = Array.from({ length: 3000 }, (_, i) => {
    const at = T0 - 10 * MIN + i * 1500; // 75 minutes, one event every 1.5 s
    return {
      event_id: `sql-${i}`,
      event_type: i % 3 === 0 ? 'purchase' : 'page_view',
      timestamp: toDateTime64(at),
      user_id: `u-${i % 11}`,
      data: { amount: i % 3 === 0 ? (i % 50) + 0.5 : null },
      metadata: {},
      source: i % 2 === 0 ? 'web' : 'ios',
      schema_version: 1,
      received_at: toDateTime64(at),
      processed_at: toDateTime64(at),
    };
  });
  await insertRows(admin, `${DB}.events`, rows);
  analyst = {
    client: server.newClient({ username: 'analyst', password: 'analyst-pw', database: DB }),
    database: DB,
  };
}, 120_000);

async function refusal(sql: string): Promise<string> {
  const err = await runSqlPanel(analyst, sql, { range: RANGE }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, sql).toBeInstanceOf(TributaryError);
  expect((err as TributaryError).code, sql).toBe('bad_request');
  return (err as TributaryError).message;
}

describe('raw SQL panels', () => {
  it('refuses writes, DDL, SET, two statements, system tables, other databases, table and file functions', async () => {
    const count = async () => {
      const rs = await admin.query({ query: `SELECT count() AS n FROM ${DB}.events`, format: 'JSONEachRow' });
      return ((await rs.json()) as Array<{ n: number }>)[0]!.n;
    };
    const before = await count();
    expect(await refusal(`INSERT INTO ${DB}.events (event_id) VALUES ('x')`)).toMatch(
      /^refused: only a SELECT .* this statement is INSERT/,
    );
    expect(await refusal(`DROP TABLE ${DB}.events`)).toMatch(/^refused: .* this statement is DROP/);
    expect(await refusal('SET max_execution_time = 1000')).toMatch(/this statement is SET/);
    expect(await refusal(`ALTER TABLE ${DB}.events DELETE WHERE 1`)).toMatch(/this statement is ALTER/);
    expect(await refusal(`SELECT 1; DROP TABLE ${DB}.events`)).toMatch(/^refused: one statement only/);
    expect(await refusal('SELECT name FROM system.tables')).toMatch(
      /^refused: system\.tables: system tables are not readable/,
    );
    expect(await refusal('SELECT * FROM information_schema.tables')).toMatch(
      /information_schema\.tables: system/,
    );
    expect(
      await refusal(
        `SELECT count() FROM ${DB}.events WHERE event_type IN (SELECT name FROM system.databases)`,
      ),
    ).toMatch(/system\.databases/);
    expect(await refusal('SELECT * FROM other_db.events')).toMatch(
      /reads the platform's database \(tributary\) only/,
    );
    expect(await refusal("SELECT * FROM file('/etc/passwd', 'LineAsString')")).toMatch(/^refused: .*file/);
    expect(await refusal("SELECT file('/etc/passwd')")).toMatch(/^refused: .*file/);
    expect(await refusal('SELECT count() FROM numbers(1000000000000)')).toMatch(/table function numbers/);
    expect(await refusal("SELECT * FROM url('http://127.0.0.1:1/', 'CSV')")).toMatch(/^refused: .*url/);
    expect(await refusal(`SELECT count() FROM ${DB}.events SETTINGS max_execution_time = 1000`)).toMatch(
      /^refused: .*SET/,
    );
    expect(await refusal(`SELECT count() FROM ${DB}.events FORMAT CSV`)).toMatch(
      /FORMAT is chosen by the panel/,
    );
    expect(await refusal('SELEC 1')).toMatch(/this statement is SELEC|does not parse/);
    expect(await count()).toBe(before);
  });

  it('and the analyst user itself may not write, whatever reaches the server', async () => {
    const err = await analyst.client
      .command({ query: `INSERT INTO ${DB}.events (event_id) VALUES ('x')` })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ClickHouseError);
    expect((err as ClickHouseError).type).toBe('ACCESS_DENIED');
  });

  it('stops a query that runs past its time, saying so', async () => {
    const started = Date.now();
    const err = await runSqlPanel(
      analyst,
      `SELECT count() FROM events a, events b, events c WHERE sipHash64(a.event_id, b.event_id, c.event_id) % 7 = 3`,
      { range: RANGE, maxExecutionSeconds: 2 },
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TributaryError);
    expect((err as TributaryError).code).toBe('query_too_large');
    expect((err as TributaryError).message).toMatch(
      /^stopped after 2 s: the query ran longer than a panel may/,
    );
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('refuses a result past the row cap with plain words', async () => {
    const err = await runSqlPanel(analyst, 'SELECT event_id FROM events', {
      range: RANGE,
      maxResultRows: 100,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((err as TributaryError).message).toMatch(/the result is larger than a panel may show \(100 rows/);
  });

  it('returns rows equal to the same SQL run by hand, as series over the bound range', async () => {
    const sql = `SELECT toStartOfInterval(timestamp, INTERVAL {interval:UInt32} SECOND) AS t, event_type, count() AS v
      FROM events
      WHERE timestamp >= {from:DateTime64(3)} AND timestamp < {to:DateTime64(3)}
      GROUP BY t, event_type ORDER BY event_type, t`;
    const result = await runSqlPanel(analyst, sql, { range: RANGE });
    expect(result.source).toBe('sql');
    expect(result.interval).toBe(60);
    const byHand = await admin.query({
      query: `SELECT toUnixTimestamp(toStartOfInterval(timestamp, INTERVAL 60 SECOND)) * 1000 AS t, event_type, count() AS v
        FROM ${DB}.events
        WHERE timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND timestamp < fromUnixTimestamp64Milli({to:Int64})
        GROUP BY t, event_type ORDER BY event_type, t`,
      query_params: RANGE,
      format: 'JSONEachRow',
    });
    const expected = (await byHand.json()) as Array<{ t: number; event_type: string; v: number }>;
    expect(expected.length).toBeGreaterThan(100);
    const got = result.series.flatMap((s) => s.points.map((p) => ({ t: p.t, event_type: s.key[0], v: p.v })));
    expect(got).toEqual(expected);
    expect(result.columns.map((c) => c.name)).toEqual(['t', 'event_type', 'v']);
    expect(result.rows).toHaveLength(expected.length);

    // A stat over the range: one row, one value, at the range's start.
    const stat = await runSqlPanel(
      analyst,
      `SELECT sum(toFloat64OrNull(toString(data.amount))) AS revenue FROM ${DB}.events
       WHERE timestamp >= {from:DateTime64(3)} AND timestamp < {to:DateTime64(3)}`,
      { range: RANGE },
    );
    const hand = await admin.query({
      query: `SELECT sum(toFloat64(data.amount)) AS s FROM ${DB}.events
        WHERE event_type = 'purchase' AND timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND timestamp < fromUnixTimestamp64Milli({to:Int64})`,
      query_params: RANGE,
      format: 'JSONEachRow',
    });
    const [{ s }] = (await hand.json()) as [{ s: number }];
    expect(stat.series).toEqual([{ key: [], points: [{ t: RANGE.from, v: s }] }]);
  });

  it('names an identifier ClickHouse does not know', async () => {
    const err = await runSqlPanel(analyst, 'SELECT no_such_column FROM events', { range: RANGE }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((err as TributaryError).code).toBe('bad_request');
    expect((err as TributaryError).message).toMatch(/ClickHouse cannot run this SQL: .*no_such_column/);
  });
});
