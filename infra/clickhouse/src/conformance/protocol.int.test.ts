// The HTTP protocol around the SQL: ping, query_id, X-ClickHouse-Summary, progress headers,
// keep-alive, compression in both directions, command/exec semantics, many requests at once.
import { Agent, request, type IncomingMessage } from 'node:http';
import { gzipSync, brotliDecompressSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useServer } from './server-fixture.ts';

const server = useServer();

function get(
  agent: Agent,
  path: string,
  body: string,
): Promise<{ res: IncomingMessage; reused: boolean; text: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'POST', agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ res, reused: req.reusedSocket, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('protocol', () => {
  it('answers ping to the client and to plain HTTP', async () => {
    expect((await server.client.ping()).success).toBe(true);
    expect(await (await fetch(`${server.url}/ping`)).text()).toBe('Ok.\n');
  });

  it('echoes query_id on queries, inserts and commands', async () => {
    const q = await server.client.query({ query: 'SELECT 1', query_id: 'conf-q-1' });
    expect(q.query_id).toBe('conf-q-1');
    expect(q.response_headers['x-clickhouse-query-id']).toBe('conf-q-1');
    await q.text();
    const c = await server.client.command({
      query: 'CREATE TABLE proto_t (n UInt32) ENGINE = MergeTree ORDER BY n',
      query_id: 'conf-c-1',
    });
    expect(c.query_id).toBe('conf-c-1');
    const i = await server.client.insert({
      table: 'proto_t',
      values: [{ n: 1 }, { n: 2 }],
      format: 'JSONEachRow',
      query_id: 'conf-i-1',
    });
    expect(i.query_id).toBe('conf-i-1');
    expect(i.summary?.written_rows).toBe('2');
  });

  it('sends X-ClickHouse-Summary with read and result figures', async () => {
    const res = await fetch(`${server.url}/?wait_end_of_query=1`, {
      method: 'POST',
      body: 'SELECT number FROM numbers(10)',
    });
    const summary = JSON.parse(res.headers.get('x-clickhouse-summary') ?? '{}') as Record<string, string>;
    expect(summary.read_rows).toBe('10');
    expect(summary.result_rows).toBe('10');
    expect(Object.keys(summary)).toEqual(
      expect.arrayContaining([
        'read_rows',
        'read_bytes',
        'written_rows',
        'written_bytes',
        'result_rows',
        'result_bytes',
        'elapsed_ns',
      ]),
    );
    await res.text();
  });

  it('sends X-ClickHouse-Progress headers when asked', async () => {
    const res = await fetch(
      `${server.url}/?send_progress_in_http_headers=1&http_headers_progress_interval_ms=100`,
      { method: 'POST', body: 'SELECT count() FROM numbers(4000000000)' },
    );
    expect(res.status).toBe(200);
    const progress = res.headers.get('x-clickhouse-progress');
    expect(progress).toBeTruthy();
    expect(JSON.parse(progress!.split(', {')[0]!)).toHaveProperty('read_rows');
    expect(await res.text()).toBe('4000000000\n');
  });

  it('keeps the connection alive between requests', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const first = await get(agent, '/', 'SELECT 1');
    expect(first.res.headers['keep-alive']).toMatch(/timeout=\d+/);
    const second = await get(agent, '/', 'SELECT 2');
    expect(second.reused).toBe(true);
    expect(second.text).toBe('2\n');
    agent.destroy();
  });

  it('decodes gzip request bodies and compresses responses when enabled', async () => {
    const zipped = server.newClient({ compression: { request: true, response: true } });
    await zipped.command({ query: 'CREATE TABLE proto_gz (n UInt32) ENGINE = MergeTree ORDER BY n' });
    await zipped.insert({
      table: 'proto_gz',
      values: Array.from({ length: 1000 }, (_, n) => ({ n })),
      format: 'JSONEachRow',
    });
    const rs = await zipped.query({ query: 'SELECT sum(n) AS s FROM proto_gz', format: 'JSONEachRow' });
    expect(rs.response_headers['content-encoding']).toBe('gzip');
    expect(await rs.json()).toEqual([{ s: 499500 }]);
    const raw = await fetch(`${server.url}/`, {
      method: 'POST',
      headers: { 'Content-Encoding': 'gzip' },
      body: gzipSync('SELECT 7'),
    });
    expect(await raw.text()).toBe('7\n');
  });

  it.each([
    ['deflate', inflateSync],
    ['br', brotliDecompressSync],
  ])('answers in %s when that is what the client accepts', async (encoding, decode) => {
    const url = new URL(server.url);
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: '/?enable_http_compression=1',
          method: 'POST',
          headers: { 'Accept-Encoding': encoding },
        },
        resolve,
      );
      req.on('error', reject);
      req.end('SELECT 40 + 2');
    });
    expect(res.headers['content-encoding']).toBe(encoding);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    expect(decode(Buffer.concat(chunks)).toString()).toBe('42\n');
  });

  it('does not compress unless enable_http_compression is set', async () => {
    const res = await fetch(`${server.url}/`, {
      method: 'POST',
      body: 'SELECT 1',
      headers: { 'Accept-Encoding': 'gzip' },
    });
    expect(res.headers.get('content-encoding')).toBeNull();
    await res.text();
  });

  it('exec streams the raw answer; command waits for the end and returns no rows', async () => {
    const r = await server.client.exec({ query: 'SELECT number FROM numbers(3) FORMAT CSV' });
    let text = '';
    for await (const c of r.stream) text += (c as Buffer).toString();
    expect(text).toBe('0\n1\n2\n');
    const c = await server.client.command({ query: 'SELECT 1' });
    expect(c.query_id).toBeTruthy();
  });

  it('serves 60 simultaneous requests', async () => {
    const results = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const rs = await server.client.query({
          query: `SELECT ${i} AS i, count() AS c FROM numbers(100000)`,
          format: 'JSONEachRow',
        });
        return rs.json<{ i: number; c: number }>();
      }),
    );
    expect(results.map((r) => r[0]?.i)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });
});
