// session_id: temporary tables and SET persist within a session, sessions are isolated from
// each other, used by one request at a time, and expire.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chErrorOf, useServer } from './server-fixture.ts';

const server = useServer();

describe('sessions', () => {
  it('keeps temporary tables and SET within a session', async () => {
    const session = server.newClient({ session_id: randomUUID() });
    await session.command({ query: 'CREATE TEMPORARY TABLE tmp_conf (n UInt32)' });
    await session.insert({ table: 'tmp_conf', values: [{ n: 1 }, { n: 2 }], format: 'JSONEachRow' });
    await session.command({ query: 'SET max_threads = 3' });
    const rs = await session.query({
      query: "SELECT sum(n) AS s, getSetting('max_threads') AS t FROM tmp_conf",
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ s: 3, t: 3 }]);
  });

  it('does not share a session with another session or with requests without one', async () => {
    const a = server.newClient({ session_id: randomUUID() });
    const b = server.newClient({ session_id: randomUUID() });
    await a.command({ query: 'CREATE TEMPORARY TABLE only_in_a (n UInt8)' });
    expect((await chErrorOf(b.query({ query: 'SELECT * FROM only_in_a' }))).type).toBe('UNKNOWN_TABLE');
    expect((await chErrorOf(server.client.query({ query: 'SELECT * FROM only_in_a' }))).type).toBe(
      'UNKNOWN_TABLE',
    );
  });

  it('refuses a second request while the session is busy (SESSION_IS_LOCKED)', async () => {
    const id = randomUUID();
    const first = server.newClient({ session_id: id });
    const second = server.newClient({ session_id: id });
    const slow = first.query({ query: 'SELECT sleep(1.5)', format: 'JSONEachRow' });
    await new Promise((r) => setTimeout(r, 300));
    const err = await chErrorOf(second.query({ query: 'SELECT 1' }));
    expect(err.code).toBe('373');
    expect(err.type).toBe('SESSION_IS_LOCKED');
    await (await slow).json();
  });

  it('answers SESSION_NOT_FOUND for session_check=1 on an unknown session', async () => {
    const res = await fetch(`${server.url}/?session_id=${randomUUID()}&session_check=1`, {
      method: 'POST',
      body: 'SELECT 1',
    });
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('372');
    expect(await res.text()).toMatch(/SESSION_NOT_FOUND/);
  });

  it('expires a session after session_timeout seconds without use', async () => {
    const id = randomUUID();
    const session = server.newClient({ session_id: id, clickhouse_settings: {} });
    await session.command({ query: 'CREATE TEMPORARY TABLE short_lived (n UInt8)', session_id: id });
    const url = `${server.url}/?session_id=${id}&session_timeout=1`;
    expect((await fetch(url, { method: 'POST', body: 'SELECT count() FROM short_lived' })).status).toBe(200);
    // The timeout runs from the end of the last request; give it twice that.
    await new Promise((r) => setTimeout(r, 2_000));
    const after = await fetch(`${server.url}/?session_id=${id}&session_check=1`, {
      method: 'POST',
      body: 'SELECT 1',
    });
    expect(after.headers.get('x-clickhouse-exception-code')).toBe('372');
  });

  it('refuses a session_timeout above the maximum', async () => {
    const res = await fetch(`${server.url}/?session_id=${randomUUID()}&session_timeout=999999`, {
      method: 'POST',
      body: 'SELECT 1',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/max_session_timeout/);
  });
});
