// Inserts the way @clickhouse/client sends them: streamed rows of any size, exec with an insert
// stream, buffered text formats, binary formats, column lists, and an insert its client abandons.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { running, until, useServer } from './server-fixture.ts';

const server = useServer();
const MiB = 1024 * 1024;

async function count(table: string): Promise<number> {
  const rs = await server.client.query({ query: `SELECT count() AS c FROM ${table}`, format: 'JSONEachRow' });
  const [row] = await rs.json<{ c: number }>();
  return Number(row?.c);
}

async function table(name: string): Promise<string> {
  await server.client.command({
    query: `CREATE TABLE ${name} (n UInt64, s String) ENGINE = MergeTree ORDER BY n`,
  });
  return name;
}

function ndjson(rows: number, from = 0): Readable {
  let i = from;
  return new Readable({
    read() {
      if (i >= from + rows) return this.push(null);
      let chunk = '';
      for (let k = 0; k < 10_000 && i < from + rows; k++, i++) chunk += `{"n":${i},"s":"row ${i}"}\n`;
      this.push(chunk);
    },
  });
}

describe('inserts', () => {
  it('streams 3 million rows (≈ 100 MB of NDJSON) with bounded server memory', async () => {
    const t = await table('ins_stream');
    const before = server.rssBytes();
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, server.rssBytes())), 50);
    try {
      const r = await server.client.exec({
        query: `INSERT INTO ${t} FORMAT JSONEachRow`,
        values: ndjson(3_000_000),
      });
      r.stream.resume();
      await new Promise((resolve) => r.stream.once('end', resolve));
      expect(Number(JSON.parse(String(r.response_headers['x-clickhouse-summary'])).written_rows)).toBe(
        3_000_000,
      );
    } finally {
      clearInterval(timer);
    }
    expect(await count(t)).toBe(3_000_000);
    console.log(`streamed insert: RSS ${Math.round(before / MiB)} MiB → peak ${Math.round(peak / MiB)} MiB`);
    expect(peak - before).toBeLessThan(300 * MiB);
  });

  it('takes an object stream through insert()', async () => {
    const t = await table('ins_objects');
    let i = 0;
    const rows = new Readable({
      objectMode: true,
      read() {
        this.push(i < 100_000 ? { n: i++, s: 'x' } : null);
      },
    });
    const r = await server.client.insert({ table: t, values: rows, format: 'JSONEachRow' });
    expect(r.summary?.written_rows).toBe('100000');
    expect(await count(t)).toBe(100_000);
  });

  it('takes an insert stream through exec', async () => {
    const t = await table('ins_exec');
    const r = await server.client.exec({
      query: `INSERT INTO ${t} FORMAT JSONEachRow`,
      values: ndjson(1000),
    });
    r.stream.resume();
    await new Promise((resolve) => r.stream.once('end', resolve));
    expect(await count(t)).toBe(1000);
  });

  it.each([
    ['CSV', '1,"a"\n2,"b"\n'],
    ['CSVWithNames', '"n","s"\n1,"a"\n2,"b"\n'],
    ['TSVWithNames', 'n\ts\n1\ta\n2\tb\n'],
    ['JSONCompactEachRow', '[1,"a"]\n[2,"b"]\n'],
    ['Values', "(1,'a'),(2,'b')"],
  ])('inserts %s', async (format, body) => {
    const t = await table(`ins_${format.toLowerCase()}`);
    const res = await fetch(
      `${server.url}/?query=${encodeURIComponent(`INSERT INTO ${t} FORMAT ${format}`)}`,
      {
        method: 'POST',
        body,
      },
    );
    expect(res.status).toBe(200);
    expect(await count(t)).toBe(2);
  });

  it('inserts RowBinary bytes', async () => {
    const t = await table('ins_rowbinary');
    const row = Buffer.from([5, 0, 0, 0, 0, 0, 0, 0, 2, 0x68, 0x69]);
    const res = await fetch(
      `${server.url}/?query=${encodeURIComponent(`INSERT INTO ${t} FORMAT RowBinary`)}`,
      {
        method: 'POST',
        body: Buffer.concat([row, row]),
      },
    );
    expect(res.status).toBe(200);
    const rs = await server.client.query({ query: `SELECT n, s FROM ${t}`, format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([
      { n: 5, s: 'hi' },
      { n: 5, s: 'hi' },
    ]);
  });

  it('honours a column list and the client columns: { except }', async () => {
    const t = await table('ins_columns');
    await server.client.insert({ table: t, values: [{ n: 1 }], columns: ['n'], format: 'JSONEachRow' });
    await server.client.insert({
      table: t,
      values: [[2]],
      columns: { except: ['s'] },
      format: 'JSONCompactEachRow',
    });
    const rs = await server.client.query({
      query: `SELECT n, s FROM ${t} ORDER BY n`,
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([
      { n: 1, s: '' },
      { n: 2, s: '' },
    ]);
  });

  it('stops reading an insert whose client aborted, and stays usable', async () => {
    const t = await table('ins_aborted');
    const ac = new AbortController();
    let sent = 0;
    const endless = new Readable({
      read() {
        sent++;
        if (sent === 200) setTimeout(() => ac.abort(), 0);
        this.push(`{"n":${sent},"s":"${'x'.repeat(1000)}"}\n`.repeat(100));
      },
    });
    await expect(
      server.client.insert({ table: t, values: endless, format: 'JSONEachRow', abort_signal: ac.signal }),
    ).rejects.toThrow();
    await until(async () => ((await running(server.client, 'ins_aborted')) === 0 ? true : undefined));
    await server.client.insert({ table: t, values: [{ n: 0, s: 'after' }], format: 'JSONEachRow' });
    const rs = await server.client.query({
      query: `SELECT count() AS c FROM ${t} WHERE s = 'after'`,
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ c: 1 }]);
  });
});
