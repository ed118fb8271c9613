import { describe, expect, it } from 'vitest';
import { parseChRequest, parseHead } from './http-request.ts';
import { buildSetStatement, splitUrlParams } from './settings.ts';

const url = (qs: string) => new URL(`http://x/?${qs}`);

describe('parseChRequest', () => {
  it('takes SQL from the body and settings, params and protocol keys from the URL', () => {
    const r = parseChRequest(
      url('query_id=q1&database=db1&default_format=JSON&param_x=a%5Ctb&max_threads=2&wait_end_of_query=1'),
      undefined,
      Buffer.from('SELECT {x:String}'),
    );
    expect(r).toMatchObject({
      queryId: 'q1',
      database: 'db1',
      defaultFormat: 'JSON',
      sql: 'SELECT {x:String}',
      queryParams: { x: 'a\\tb' },
      engineSettings: { max_threads: '2' },
      httpSettings: { wait_end_of_query: '1' },
    });
    expect(r.insert).toBeUndefined();
  });

  it('recognises the insert @clickhouse/client sends from the URL alone, before any body is read', () => {
    const h = parseHead(
      url(`query=${encodeURIComponent('INSERT INTO db.t (a, b) FORMAT JSONEachRow')}`),
      'POST',
    );
    expect(h.insert).toEqual({ table: 'db.t', columns: ['a', 'b'], format: 'JSONEachRow' });
    expect(
      parseHead(url(`query=${encodeURIComponent('INSERT INTO t FORMAT Parquet')}`), 'POST').insert,
    ).toEqual({
      table: 't',
      format: 'Parquet',
    });
  });

  it('joins a URL query and a body when the URL query is not a plain insert', () => {
    const r = parseChRequest(
      url(`query=${encodeURIComponent('INSERT INTO t SETTINGS async_insert=0 VALUES')}`),
      undefined,
      Buffer.from('(1)'),
    );
    expect(r.insert).toBeUndefined();
    expect(r.sql).toBe('INSERT INTO t SETTINGS async_insert=0 VALUES\n(1)');
  });

  it('marks GET requests read-only and reads the session parameters', () => {
    const h = parseHead(url('session_id=s1&session_timeout=5&session_check=1'), 'GET');
    expect(h.readOnly).toBe(true);
    expect(h.session).toEqual({ id: 's1', timeout: '5', check: true });
    expect(parseHead(url(''), 'POST').readOnly).toBe(false);
  });

  it('defaults to TabSeparated and a generated query id', () => {
    const r = parseChRequest(url(''), undefined, Buffer.from('SELECT 1'));
    expect(r.defaultFormat).toBe('TabSeparated');
    expect(r.queryId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reads multipart query parameters', () => {
    const body =
      '--b\r\nContent-Disposition: form-data; name="query"\r\n\r\nSELECT {v:String}\r\n--b\r\nContent-Disposition: form-data; name="param_v"\r\n\r\nhello\r\n--b--\r\n';
    const r = parseChRequest(url('query_id=q'), 'multipart/form-data; boundary=b', Buffer.from(body));
    expect(r.sql).toBe('SELECT {v:String}');
    expect(r.queryParams).toEqual({ v: 'hello' });
  });

  it('rejects an empty query with SYNTAX_ERROR', () => {
    expect(() => parseChRequest(url(''), undefined, Buffer.alloc(0))).toThrow(/Empty query/);
  });
});

describe('settings', () => {
  it('quotes values so the engine sees exactly the text that was sent', () => {
    const { engineSettings, queryParams } = splitUrlParams([
      ['insert_deduplication_token', "it's"],
      ['param_arr', "['a\\'b']"],
    ]);
    expect(buildSetStatement(engineSettings, queryParams)).toBe(
      "SET insert_deduplication_token = 'it\\'s', param_arr = '[\\'a\\\\\\'b\\']'",
    );
  });

  it('refuses names that are not identifiers', () => {
    expect(() => buildSetStatement({ 'x; DROP': '1' }, {})).toThrow(/Invalid setting name/);
  });
});
