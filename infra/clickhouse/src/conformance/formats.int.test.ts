// Every streamable output format @clickhouse/client reads, with the bytes a ClickHouse server
// produces for it.
import { describe, expect, it } from 'vitest';
import { useServer } from './server-fixture.ts';

const server = useServer();
const SQL = "SELECT number AS n, concat('v', toString(number)) AS s FROM numbers(3)";

async function rowsOf(format: string): Promise<unknown[]> {
  const rs = await server.client.query({ query: SQL, format: format as 'JSONEachRow' });
  const out: unknown[] = [];
  for await (const batch of rs.stream()) for (const row of batch) out.push(row.json());
  return out;
}

async function bytesOf(format: string, sql = SQL): Promise<Buffer> {
  const res = await fetch(`${server.url}/?default_format=${format}`, { method: 'POST', body: sql });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe('streamable JSON formats through the client', () => {
  it.each([
    [
      'JSONEachRow',
      [
        { n: 0, s: 'v0' },
        { n: 1, s: 'v1' },
        { n: 2, s: 'v2' },
      ],
    ],
    [
      'JSONStringsEachRow',
      [
        { n: '0', s: 'v0' },
        { n: '1', s: 'v1' },
        { n: '2', s: 'v2' },
      ],
    ],
    [
      'JSONCompactEachRow',
      [
        [0, 'v0'],
        [1, 'v1'],
        [2, 'v2'],
      ],
    ],
    [
      'JSONCompactStringsEachRow',
      [
        ['0', 'v0'],
        ['1', 'v1'],
        ['2', 'v2'],
      ],
    ],
    [
      'JSONCompactEachRowWithNames',
      [
        ['n', 's'],
        [0, 'v0'],
        [1, 'v1'],
        [2, 'v2'],
      ],
    ],
    [
      'JSONCompactEachRowWithNamesAndTypes',
      [
        ['n', 's'],
        ['UInt64', 'String'],
        [0, 'v0'],
        [1, 'v1'],
        [2, 'v2'],
      ],
    ],
    [
      'JSONCompactStringsEachRowWithNames',
      [
        ['n', 's'],
        ['0', 'v0'],
        ['1', 'v1'],
        ['2', 'v2'],
      ],
    ],
    [
      'JSONCompactStringsEachRowWithNamesAndTypes',
      [
        ['n', 's'],
        ['UInt64', 'String'],
        ['0', 'v0'],
        ['1', 'v1'],
        ['2', 'v2'],
      ],
    ],
  ])('%s', async (format, expected) => {
    expect(await rowsOf(format)).toEqual(expected);
  });

  it('JSONEachRowWithProgress carries rows (and progress) lines', async () => {
    const rows = (await rowsOf('JSONEachRowWithProgress')) as Record<string, unknown>[];
    expect(rows.filter((r) => 'row' in r).map((r) => r.row)).toEqual([
      { n: 0, s: 'v0' },
      { n: 1, s: 'v1' },
      { n: 2, s: 'v2' },
    ]);
  });
});

describe('text and binary formats', () => {
  it.each([
    ['CSV', '0,"v0"\n1,"v1"\n2,"v2"\n'],
    ['CSVWithNames', '"n","s"\n0,"v0"\n1,"v1"\n2,"v2"\n'],
    ['CSVWithNamesAndTypes', '"n","s"\n"UInt64","String"\n0,"v0"\n1,"v1"\n2,"v2"\n'],
    ['TabSeparated', '0\tv0\n1\tv1\n2\tv2\n'],
    ['TSVWithNames', 'n\ts\n0\tv0\n1\tv1\n2\tv2\n'],
    ['TabSeparatedWithNamesAndTypes', 'n\ts\nUInt64\tString\n0\tv0\n1\tv1\n2\tv2\n'],
    ['CustomSeparated', '0\tv0\n1\tv1\n2\tv2\n'],
  ])('%s', async (format, expected) => {
    const rs = await server.client.query({ query: SQL, format: format as 'CSV' });
    expect(await rs.text()).toBe(expected);
  });

  it('RowBinary: 8 bytes little-endian UInt64, then a length-prefixed string, per row', async () => {
    const b = await bytesOf('RowBinary', "SELECT toUInt64(258) AS n, 'ab' AS s");
    expect([...b]).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 2, 0x61, 0x62]);
  });

  it('RowBinaryWithNamesAndTypes starts with the column count, names and types', async () => {
    const b = await bytesOf('RowBinaryWithNamesAndTypes', 'SELECT toUInt8(7) AS n');
    expect([...b]).toEqual([1, 1, 0x6e, 5, ...Buffer.from('UInt8'), 7]);
  });

  it('Parquet: one file for the whole result, which the engine reads back in full', async () => {
    const b = await bytesOf('Parquet', 'SELECT number AS n FROM numbers(500000)');
    expect(b.subarray(0, 4).toString()).toBe('PAR1');
    expect(b.subarray(-4).toString()).toBe('PAR1');
    // The engine reads back what it wrote: the count survives the trip.
    const res = await fetch(`${server.url}/`, {
      method: 'POST',
      body: 'CREATE TABLE parquet_rt (n UInt64) ENGINE = MergeTree ORDER BY n',
    });
    expect(res.status).toBe(200);
    const ins = await fetch(
      `${server.url}/?query=${encodeURIComponent('INSERT INTO parquet_rt FORMAT Parquet')}`,
      {
        method: 'POST',
        body: b,
      },
    );
    expect(ins.status).toBe(200);
    const count = await (
      await server.client.query({ query: 'SELECT count() AS c FROM parquet_rt', format: 'JSONEachRow' })
    ).json();
    expect(count).toEqual([{ c: 500000 }]);
  });

  it('JSON (a whole document) with meta, data, rows and statistics', async () => {
    const rs = await server.client.query({ query: SQL, format: 'JSON' });
    const doc = await rs.json<{ n: number; s: string }>();
    expect(doc.meta).toEqual([
      { name: 'n', type: 'UInt64' },
      { name: 's', type: 'String' },
    ]);
    expect(doc.data).toEqual([
      { n: 0, s: 'v0' },
      { n: 1, s: 'v1' },
      { n: 2, s: 'v2' },
    ]);
    expect(doc.rows).toBe(3);
  });

  it('names the format and the content type in the answer', async () => {
    const res = await fetch(`${server.url}/`, { method: 'POST', body: `${SQL} FORMAT JSONEachRow` });
    expect(res.headers.get('x-clickhouse-format')).toBe('JSONEachRow');
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    await res.arrayBuffer();
  });
});
