// Results stream as they are produced, and a client that goes away takes its query with it.
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { running, until, useServer } from './server-fixture.ts';

const server = useServer();
const MiB = 1024 * 1024;

async function gone(marker: string): Promise<number> {
  const started = Date.now();
  await until(async () => ((await running(server.client, marker)) === 0 ? true : undefined));
  return Date.now() - started;
}

describe('streaming results', () => {
  it('sends rows of a query that never ends', async () => {
    const ac = new AbortController();
    const rs = await server.client.query({
      query: "SELECT number FROM system.numbers WHERE 'stream-endless' != ''",
      format: 'JSONEachRow',
      abort_signal: ac.signal,
    });
    let rows = 0;
    for await (const batch of rs.stream()) {
      rows += batch.length;
      if (rows >= 100_000) break;
    }
    ac.abort();
    expect(rows).toBeGreaterThanOrEqual(100_000);
    await gone('stream-endless');
  });

  it('reads 10 million rows at a slow pace with flat server memory', async () => {
    const before = server.rssBytes();
    let peak = before;
    const rs = await server.client.query({
      query: 'SELECT number FROM numbers(10000000)',
      format: 'JSONEachRow',
    });
    let rows = 0;
    let last = -1;
    let batches = 0;
    for await (const batch of rs.stream<{ number: number }>()) {
      last = batch.at(-1)?.json().number ?? last;
      rows += batch.length;
      if (++batches % 50 === 0) {
        peak = Math.max(peak, server.rssBytes());
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    expect(rows).toBe(10_000_000);
    expect(last).toBe(9_999_999);
    console.log(`slow reader: RSS ${Math.round(before / MiB)} MiB → peak ${Math.round(peak / MiB)} MiB`);
    expect(peak - before).toBeLessThan(300 * MiB);
  });
});

describe('cancellation', () => {
  // NOTE: @clickhouse/client stops listening to abort_signal once the response has started; it
  // is leaving the stream (break, close) that closes the socket, which is what the server sees.
  it('cancels 20 infinite selects whose reader left, each soon after, and gives the memory back', async () => {
    const before = server.rssBytes();
    const took: number[] = [];
    for (let i = 0; i < 20; i++) {
      const marker = `abort-${i}`;
      const ac = new AbortController();
      const rs = await server.client.query({
        query: `SELECT * FROM system.numbers WHERE '${marker}' != ''`,
        format: 'JSONEachRow',
        abort_signal: ac.signal,
      });
      let rows = 0;
      for await (const batch of rs.stream()) {
        rows += batch.length;
        if (rows >= 10_000 * (i % 4)) break;
      }
      ac.abort();
      took.push(await gone(marker));
    }
    const growth = server.rssBytes() - before;
    console.log(
      `aborted selects gone after ${took.join(', ')} ms; RSS growth ${Math.round(growth / MiB)} MiB`,
    );
    expect(growth).toBeLessThan(500 * MiB);
  });

  it('cancels a query that has produced nothing yet (one long aggregation)', async () => {
    const ac = new AbortController();
    const q = server.client.query({
      query: "SELECT sum(number) FROM system.numbers WHERE 'agg-endless' != ''",
      format: 'JSONEachRow',
      abort_signal: ac.signal,
    });
    await until(async () => ((await running(server.client, 'agg-endless')) > 0 ? true : undefined));
    ac.abort();
    await expect(q).rejects.toThrow();
    await gone('agg-endless');
  });

  it('cancels a query whose client closed the socket without a word', async () => {
    const url = new URL(server.url);
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/' });
    req.on('error', () => {});
    req.end("SELECT number FROM system.numbers WHERE 'socket-closed' != '' FORMAT TSV");
    const res = await new Promise<import('node:http').IncomingMessage>((resolve) =>
      req.on('response', resolve),
    );
    expect(res.statusCode).toBe(200);
    await new Promise<void>((resolve) => res.once('data', () => resolve()));
    req.destroy();
    await gone('socket-closed');
  });

  it('cancels a query stopped by the client request timeout', async () => {
    const impatient = server.newClient({ request_timeout: 500 });
    await expect(
      impatient.query({ query: "SELECT sum(number) FROM system.numbers WHERE 'timed-out' != ''" }),
    ).rejects.toThrow(/Timeout/i);
    await gone('timed-out');
  });

  it('drops a reader that stops reading without closing, after the send timeout', async () => {
    const rs = await server.client.query({
      query: "SELECT number FROM system.numbers WHERE 'stalled-reader' != ''",
      format: 'JSONEachRow',
      clickhouse_settings: { http_send_timeout: 1 },
    });
    const stream = rs.stream();
    stream.pause();
    stream.on('error', () => {});
    await until(async () => ((await running(server.client, 'stalled-reader')) > 0 ? true : undefined));
    // Nothing is read from here on: the server's writes fill the socket, then it gives up.
    await gone('stalled-reader');
    stream.destroy();
  });

  it('keeps answering other queries while a stream is paused by its reader', async () => {
    const ac = new AbortController();
    const rs = await server.client.query({
      query: "SELECT number FROM system.numbers WHERE 'paused' != ''",
      format: 'JSONEachRow',
      abort_signal: ac.signal,
    });
    const stream = rs.stream();
    stream.pause();
    const other = await (
      await server.client.query({ query: 'SELECT 42 AS x', format: 'JSONEachRow' })
    ).json();
    expect(other).toEqual([{ x: 42 }]);
    ac.abort();
    stream.destroy();
    await gone("'paused'");
  });
});
