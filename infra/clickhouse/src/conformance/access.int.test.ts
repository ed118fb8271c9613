// Users and what each may do: a ClickHouse server with users answers the same way (401 without
// credentials, 403 for wrong ones, ACCESS_DENIED for what a user's grants do not cover).
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashPassword } from '../access.ts';
import { chErrorOf, useServer } from './server-fixture.ts';

const usersFile = join(mkdtempSync(join(tmpdir(), 'tributary-ch-users-')), 'users.json');
writeFileSync(
  usersFile,
  JSON.stringify([
    { name: 'admin', password_sha256_hex: hashPassword('admin-pw'), profile: 'admin' },
    { name: 'workers', password_sha256_hex: hashPassword('writer-pw'), profile: 'writer' },
    {
      name: 'console',
      password_sha256_hex: hashPassword('reader-pw'),
      profile: 'reader',
      insert_tables: ['acl.status'],
      limits: { max_execution_time: 30, max_rows_to_read: 1000000 },
    },
  ]),
);
const server = useServer({}, { usersFile });

const as = (username: string, password: string) => server.newClient({ username, password });

describe('authentication', () => {
  it('answers 401 without credentials and 403 with wrong ones; /ping stays open', async () => {
    const anonymous = await fetch(`${server.url}/`, { method: 'POST', body: 'SELECT 1' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('x-clickhouse-exception-code')).toBe('194');
    const wrong = await chErrorOf(as('admin', 'nope').query({ query: 'SELECT 1' }));
    expect(wrong.type).toBe('AUTHENTICATION_FAILED');
    expect((await fetch(`${server.url}/ping`)).status).toBe(200);
  });

  it('accepts Basic auth, X-ClickHouse-User/Key and user/password parameters', async () => {
    const basic = await fetch(`${server.url}/`, {
      method: 'POST',
      body: 'SELECT 1',
      headers: { Authorization: `Basic ${Buffer.from('console:reader-pw').toString('base64')}` },
    });
    expect(await basic.text()).toBe('1\n');
    const headers = await fetch(`${server.url}/`, {
      method: 'POST',
      body: 'SELECT 2',
      headers: { 'X-ClickHouse-User': 'console', 'X-ClickHouse-Key': 'reader-pw' },
    });
    expect(await headers.text()).toBe('2\n');
    const params = await fetch(`${server.url}/?user=console&password=reader-pw`, {
      method: 'POST',
      body: 'SELECT 3',
    });
    expect(await params.text()).toBe('3\n');
  });

  it('refuses a Host header it is not reached by (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const url = new URL(server.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, method: 'POST', path: '/', headers: { Host: 'evil.example' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('SELECT 1');
    });
    expect(status).toBe(403);
  });
});

describe('profiles', () => {
  const admin = () => as('admin', 'admin-pw');
  const writer = () => as('workers', 'writer-pw');
  const reader = () => as('console', 'reader-pw');

  it('lets the admin run migrations', async () => {
    await admin().command({ query: 'CREATE DATABASE acl' });
    await admin().command({ query: 'CREATE TABLE acl.events (n UInt64) ENGINE = MergeTree ORDER BY n' });
    await admin().command({ query: 'CREATE TABLE acl.status (n UInt64) ENGINE = MergeTree ORDER BY n' });
  });

  it('lets the writer insert and select, not change schemas', async () => {
    await writer().insert({ table: 'acl.events', values: [{ n: 1 }], format: 'JSONEachRow' });
    await writer().command({ query: 'INSERT INTO acl.events SELECT 2' });
    const rs = await writer().query({ query: 'SELECT count() AS c FROM acl.events', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ c: 2 }]);
    expect((await chErrorOf(writer().command({ query: 'DROP TABLE acl.events' }))).type).toBe(
      'ACCESS_DENIED',
    );
    expect((await chErrorOf(writer().command({ query: 'ALTER TABLE acl.events DELETE WHERE 1' }))).type).toBe(
      'ACCESS_DENIED',
    );
  });

  it('lets the reader select and insert into its one table, nothing else', async () => {
    const rs = await reader().query({ query: 'SELECT count() AS c FROM acl.events', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ c: 2 }]);
    await reader().insert({ table: 'acl.status', values: [{ n: 1 }], format: 'JSONEachRow' });
    // An INSERT … SELECT sent as a command (the statement in the body, no data) is an insert too.
    await reader().command({ query: 'INSERT INTO acl.status SELECT 2' });
    const asked = await reader().query({
      query: 'SELECT count() AS c FROM acl.status',
      format: 'JSONEachRow',
      clickhouse_settings: { readonly: '1' },
    });
    expect(await asked.json()).toEqual([{ c: 2 }]);
    for (const query of [
      'DROP TABLE acl.events',
      'INSERT INTO acl.events SELECT 3',
      'CREATE TABLE acl.x (n UInt8) ENGINE = Memory',
      'SET max_execution_time = 0',
      'SELECT 1 SETTINGS max_rows_to_read = 0',
      'KILL QUERY WHERE 1',
    ]) {
      expect((await chErrorOf(reader().command({ query }))).type, query).toBe('ACCESS_DENIED');
    }
    expect(
      (await chErrorOf(reader().insert({ table: 'acl.events', values: [{ n: 9 }], format: 'JSONEachRow' })))
        .type,
    ).toBe('ACCESS_DENIED');
  });

  it('holds a reader to its ceilings', async () => {
    const err = await chErrorOf(reader().query({ query: 'SELECT count() FROM numbers(100000000)' }));
    expect(err.type).toBe('TOO_MANY_ROWS');
    const over = await chErrorOf(
      reader().query({ query: 'SELECT 1', clickhouse_settings: { max_execution_time: 3600 } }),
    );
    expect(over.type).toBe('SETTING_CONSTRAINT_VIOLATION');
  });

  it.each([
    ["SELECT * FROM file('/etc/passwd', 'LineAsString')", 'file'],
    ["SELECT * FROM url('http://127.0.0.1:1/', CSV, 'a String')", 'url'],
    ["SELECT * FROM s3('http://127.0.0.1:1/x.csv', CSV, 'a String')", 's3'],
    ["SELECT * FROM executable('cat /etc/passwd', CSV, 'a String')", 'executable'],
    ["SELECT * FROM remote('127.0.0.1', system.one)", 'remote'],
    ["SELECT 1 WHERE 1 IN (SELECT * FROM file('/etc/hostname', 'LineAsString'))", 'file in a subquery'],
    ["SELECT substring(file('/etc/hostname'), 1, 40)", 'the file() function, not a table function'],
    ["INSERT INTO FUNCTION file('/tmp/tributary-acl', CSV) SELECT 1", 'INSERT INTO FUNCTION'],
    ["SELECT 1 INTO OUTFILE '/tmp/tributary-acl-out'", 'INTO OUTFILE'],
    ["INSERT INTO acl.events FROM INFILE '/etc/hostname' FORMAT LineAsString", 'FROM INFILE'],
  ])('refuses %s for the writer and the reader (%s)', async (query) => {
    expect((await chErrorOf(writer().command({ query }))).type).toBe('ACCESS_DENIED');
    expect((await chErrorOf(reader().command({ query }))).type).toBe('ACCESS_DENIED');
  });

  it('lets computing table functions through', async () => {
    const rs = await reader().query({
      query: 'SELECT sum(number) AS s FROM numbers(10)',
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ s: 45 }]);
  });
});
