// Errors as a ClickHouse server gives them: status, X-ClickHouse-Exception-Code, the
// `Code: N. DB::Exception: … (TYPE) (version …)` body, and, once a result has started, the
// exception block at the end of the stream that the client turns into a ClickHouseError.
import { describe, expect, it } from 'vitest';
import { ClickHouseError } from '@clickhouse/client';
import { chErrorOf, useServer } from './server-fixture.ts';

const server = useServer();

describe('errors', () => {
  it.each([
    ['SELEC 1', 400, '62', 'SYNTAX_ERROR'],
    ['SELECT * FROM no_such_table_conf', 404, '60', 'UNKNOWN_TABLE'],
    ['SELECT * FROM no_such_db_conf.t', 404, '81', 'UNKNOWN_DATABASE'],
    ['SELECT no_such_function_conf(1)', 404, '46', 'UNKNOWN_FUNCTION'],
    ['SELECT throwIf(1)', 500, '395', 'FUNCTION_THROW_IF_VALUE_IS_NON_ZERO'],
  ])('%s → %d, code %s (%s)', async (sql, status, code, type) => {
    const res = await fetch(`${server.url}/`, { method: 'POST', body: sql });
    expect(res.status).toBe(status);
    expect(res.headers.get('x-clickhouse-exception-code')).toBe(code);
    const text = await res.text();
    expect(text).toMatch(
      new RegExp(`^Code: ${code}\\. DB::Exception: .*\\(${type}\\) \\(version [0-9.]+\\)\\n$`, 's'),
    );
    const err = await chErrorOf(server.client.query({ query: sql }));
    expect(err.code).toBe(code);
    expect(err.type).toBe(type);
  });

  it('names the query_id of a failed query', async () => {
    const res = await fetch(`${server.url}/?query_id=failing-conf-1`, { method: 'POST', body: 'SELEC 1' });
    expect(res.headers.get('x-clickhouse-query-id')).toBe('failing-conf-1');
  });

  it('reports an error that happens after rows were sent, through the stream', async () => {
    const rs = await server.client.query({
      query: 'SELECT number, throwIf(number = 300000) FROM numbers(400000)',
      format: 'JSONEachRow',
    });
    expect(rs.response_headers['x-clickhouse-exception-tag']).toBeTruthy();
    let rows = 0;
    let error: unknown;
    try {
      for await (const batch of rs.stream()) rows += batch.length;
    } catch (err) {
      error = err;
    }
    expect(rows).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(ClickHouseError);
    expect((error as ClickHouseError).code).toBe('395');
    expect((error as ClickHouseError).type).toBe('FUNCTION_THROW_IF_VALUE_IS_NON_ZERO');
  });

  it('answers 404 for a path that is not a handler', async () => {
    const res = await fetch(`${server.url}/no/such/handler`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-clickhouse-exception-code')).toBeTruthy();
  });

  it('runs GET requests read-only', async () => {
    const res = await fetch(
      `${server.url}/?query=${encodeURIComponent('CREATE TABLE get_conf (n UInt8) ENGINE = Memory')}`,
    );
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('164');
    expect(await res.text()).toMatch(/READONLY/);
    const read = await fetch(`${server.url}/?query=${encodeURIComponent('SELECT 1')}`);
    expect(await read.text()).toBe('1\n');
  });

  it('keeps serving after a burst of failing queries', async () => {
    await Promise.all(
      Array.from({ length: 30 }, () => server.client.query({ query: 'SELEC 1' }).catch(() => {})),
    );
    const rs = await server.client.query({ query: 'SELECT 1 AS ok', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ ok: 1 }]);
  });
});
