// Limits that hold whatever a client sends: per-query and server-wide memory (the query fails
// alone, with ClickHouse's own code, while inserts go on), request bodies by decoded size, and
// bodies that stop arriving.
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chErrorOf, until, useServer } from './server-fixture.ts';

const server = useServer({
  TRIBUTARY_CH_MAX_SERVER_MEMORY: '1GiB',
  TRIBUTARY_CH_MAX_QUERY_MEMORY: '256MiB',
  TRIBUTARY_CH_MAX_BUFFERED_BODY: '4MiB',
  TRIBUTARY_CH_MAX_BODY: '32MiB',
  TRIBUTARY_CH_RECEIVE_TIMEOUT_MS: '1000',
});

// A query may be allowed more than the whole server (as on a ClickHouse server); the server's
// own limit then decides.
const tight = useServer({ TRIBUTARY_CH_MAX_SERVER_MEMORY: '400MiB', TRIBUTARY_CH_MAX_QUERY_MEMORY: '2GiB' });

const HUNGRY = 'SELECT groupArray(number) FROM numbers(200000000)';

describe('memory', () => {
  it('fails a query over the per-query limit alone, while inserts keep succeeding', async () => {
    await server.client.command({ query: 'CREATE TABLE mem_ins (n UInt64) ENGINE = MergeTree ORDER BY n' });
    let stop = false;
    let inserted = 0;
    const inserts = (async () => {
      while (!stop) {
        await server.client.insert({
          table: 'mem_ins',
          values: Array.from({ length: 1000 }, (_, i) => ({ n: inserted + i })),
          format: 'JSONEachRow',
        });
        inserted += 1000;
      }
    })();
    const errors = await Promise.all(
      Array.from({ length: 3 }, () => chErrorOf(server.client.query({ query: HUNGRY }))),
    );
    stop = true;
    await inserts;
    for (const err of errors) {
      expect(err.code).toBe('241');
      expect(err.type).toBe('MEMORY_LIMIT_EXCEEDED');
    }
    expect(inserted).toBeGreaterThan(0);
    const rs = await server.client.query({
      query: 'SELECT count() AS c FROM mem_ins',
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ c: inserted }]);
  });

  it('refuses a max_memory_usage above the ceiling', async () => {
    const err = await chErrorOf(
      server.client.query({ query: 'SELECT 1', clickhouse_settings: { max_memory_usage: '100000000000' } }),
    );
    expect(err.type).toBe('SETTING_CONSTRAINT_VIOLATION');
    const ok = await server.client.query({
      query: 'SELECT 1 AS one',
      format: 'JSONEachRow',
      clickhouse_settings: { max_memory_usage: '100000000' },
    });
    expect(await ok.json()).toEqual([{ one: 1 }]);
  });

  it('holds the server-wide limit, reports the real RSS, and keeps taking inserts', async () => {
    const err = await chErrorOf(tight.client.query({ query: HUNGRY }));
    expect(err.code).toBe('241');
    expect(err.message).toMatch(/\(total\) memory limit exceeded/);
    const rss = /current RSS: ([\d.]+) (MiB|GiB)/.exec(err.message);
    expect(rss).not.toBeNull();
    // chDB alone prints a few MiB here; the process holds hundreds.
    expect(Number(rss![1]) * (rss![2] === 'GiB' ? 1024 : 1)).toBeGreaterThan(100);
    console.log(`server-wide limit: ${err.message.slice(0, 160)}`);
    await tight.client.command({
      query: 'CREATE TABLE after_total (n UInt64) ENGINE = MergeTree ORDER BY n',
    });
    await tight.client.insert({ table: 'after_total', values: [{ n: 1 }], format: 'JSONEachRow' });
    const rs = await tight.client.query({
      query: 'SELECT count() AS c FROM after_total',
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ c: 1 }]);
  });

  it('reports the real RSS in /metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const rss = Number(/^tributary_clickhouse_process_resident_memory_bytes (\d+)$/m.exec(text)?.[1]);
    expect(rss).toBeGreaterThan(100 * 2 ** 20);
    expect(text).toMatch(/^tributary_clickhouse_memory_limit_bytes 1073741824$/m);
  });
});

describe('request bodies', () => {
  it('answers 413 for SQL larger than the buffered limit', async () => {
    const res = await fetch(`${server.url}/`, {
      method: 'POST',
      body: `SELECT '${'x'.repeat(5 * 2 ** 20)}'`,
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('307');
    expect(await res.text()).toMatch(/^Code: 307\. DB::Exception: .*\(TOO_MANY_BYTES\)/);
  });

  it('answers 413 for a small gzip body that inflates past the limit', async () => {
    await server.client.command({ query: 'CREATE TABLE bomb (s String) ENGINE = MergeTree ORDER BY s' });
    const line = `{"s":"${'a'.repeat(1000)}"}\n`;
    const bomb = gzipSync(Buffer.from(line.repeat(40_000)));
    expect(bomb.length).toBeLessThan(1_000_000);
    const res = await fetch(
      `${server.url}/?query=${encodeURIComponent('INSERT INTO bomb FORMAT JSONEachRow')}`,
      {
        method: 'POST',
        headers: { 'Content-Encoding': 'gzip' },
        body: bomb,
      },
    );
    expect(res.status).toBe(413);
    expect(await res.text()).toMatch(/TOO_MANY_BYTES/);
  });

  it('cuts a body that stops arriving', async () => {
    const url = new URL(server.url);
    const socket = connect(Number(url.port), url.hostname);
    let closed = false;
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('close', () => (closed = true));
    socket.on('error', () => {});
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nSELECT ');
    await until(async () => (closed ? true : undefined), 10_000);
    expect(answer === '' || /SOCKET_TIMEOUT|HTTP\/1.1 (4|5)\d\d/.test(answer)).toBe(true);
  });

  it('still serves after all that', async () => {
    expect((await server.client.ping()).success).toBe(true);
    const rs = await server.client.query({ query: 'SELECT 1 AS ok', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ ok: 1 }]);
  });
});
