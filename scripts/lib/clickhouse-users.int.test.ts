// The platform as `npm start` runs it against an embedded ClickHouse with users: every app signs
// in as its own role, strangers are refused, and the analyst credentials written for people can
// read but not change or reach outside the database.
import { ClickHouseError } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '@tributary/clickhouse';
import { eventually } from '@tributary/testing';
import { makeBatches, sendBatches } from './load.ts';
import { startTestStack, type TestStack } from './test-stack.ts';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack(['workers', 'ingest'], { clickhouseAuth: true });
});
afterAll(async () => {
  await t?.stop();
});

async function typeOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClickHouseError);
  return (err as ClickHouseError).type ?? '';
}

describe('embedded ClickHouse with users', () => {
  it('runs the pipeline with each app as its own user', async () => {
    const load = await sendBatches({
      ingestUrl: t.stack.ingestUrl,
      writeKey: t.stack.writeKey,
      batches: makeBatches(2_000, 100, { eventType: 'ch_users' }),
      concurrency: 4,
    });
    expect(load.acceptedIds.length).toBe(2_000);
    const stored = await eventually(async () => {
      const c = await t.count("event_type = 'ch_users'");
      return c.rows >= 2_000 ? c : undefined;
    }, 120_000);
    expect(stored).toEqual({ rows: 2_000, distinct: 2_000 });
  });

  it('refuses strangers and wrong passwords', async () => {
    const res = await fetch(`${t.stack.clickhouseUrl}/`, { method: 'POST', body: 'SELECT 1' });
    expect(res.status).toBe(401);
    const wrong = createClickHouse({
      url: t.stack.clickhouseUrl,
      username: 'tributary_admin',
      password: 'guess',
    });
    expect(await typeOf(wrong.query({ query: 'SELECT 1' }))).toBe('AUTHENTICATION_FAILED');
    await wrong.close();
  });

  it('gives the analyst user reads only, bounded, inside the database', async () => {
    const creds = t.stack.infra.clickhouseCredentials!.analyst;
    const analyst = createClickHouse({
      url: t.stack.clickhouseUrl,
      database: t.config.clickhouseDatabase,
      username: creds.user,
      password: creds.password,
    });
    try {
      const rs = await analyst.query({
        query: "SELECT count() AS n FROM events WHERE event_type = 'ch_users'",
        format: 'JSONEachRow',
      });
      expect(await rs.json()).toEqual([{ n: 2_000 }]);
      expect(await typeOf(analyst.command({ query: 'DROP TABLE events' }))).toBe('ACCESS_DENIED');
      expect(
        await typeOf(analyst.query({ query: "SELECT * FROM file('/etc/passwd', 'LineAsString')" })),
      ).toBe('ACCESS_DENIED');
      expect(
        await typeOf(analyst.query({ query: "SELECT * FROM url('http://127.0.0.1:1/', CSV, 'a String')" })),
      ).toBe('ACCESS_DENIED');
    } finally {
      await analyst.close();
    }
  });

  it('gives the console reads and its one insert; retention goes through the admin user', async () => {
    const creds = t.stack.infra.clickhouseCredentials!;
    const as = (c: { user: string; password: string }) =>
      createClickHouse({
        url: t.stack.clickhouseUrl,
        database: t.config.clickhouseDatabase,
        username: c.user,
        password: c.password,
      });
    const console = as(creds.console);
    const admin = as(creds.admin);
    try {
      const rs = await console.query({
        query: 'SELECT count() AS n FROM dead_letters',
        format: 'JSONEachRow',
      });
      expect(await rs.json()).toHaveLength(1);
      // The statement's shape as the console sends it (packages/dlq/src/status.ts).
      await console.command({
        query: `INSERT INTO {db:Identifier}.dead_letter_status (id, status, changed_at, actor, reason, replay_id, attempts)
                SELECT 'ch-users-probe', 'discarded', now64(3), 'test', '', '', 0`,
        query_params: { db: t.config.clickhouseDatabase },
      });
      for (const query of [
        'DROP TABLE events',
        'ALTER TABLE dead_letters MODIFY TTL toDateTime(failed_at) + INTERVAL 3 DAY',
        "INSERT INTO events (event_id) VALUES ('forged')",
        "SELECT * FROM file('/etc/passwd', 'LineAsString')",
        "SELECT substring(file('/etc/hostname'), 1, 10)",
        "SELECT * FROM url('http://127.0.0.1:1/', CSV, 'a String')",
      ])
        expect(await typeOf(console.command({ query })), query).toBe('ACCESS_DENIED');
      await admin.command({
        query: 'ALTER TABLE dead_letters MODIFY TTL toDateTime(failed_at) + INTERVAL 30 DAY',
      });
    } finally {
      await console.close();
      await admin.close();
    }
  });

  it('gives the jobs service reads and the replay status insert, nothing more', async () => {
    const creds = t.stack.infra.clickhouseCredentials!.jobs;
    const jobs = createClickHouse({
      url: t.stack.clickhouseUrl,
      database: t.config.clickhouseDatabase,
      username: creds.user,
      password: creds.password,
    });
    try {
      const rs = await jobs.query({ query: 'SELECT count() AS n FROM dead_letters', format: 'JSONEachRow' });
      expect(await rs.json()).toHaveLength(1);
      // A replay's page recorded as replayed (packages/dlq/src/status.ts).
      await jobs.command({
        query: `INSERT INTO {db:Identifier}.dead_letter_status (id, status, changed_at, actor, reason, replay_id, attempts)
                SELECT 'ch-users-jobs-probe', 'replayed', now64(3), 'test', 'replayed', 'r-probe', 1`,
        query_params: { db: t.config.clickhouseDatabase },
      });
      for (const query of [
        'DROP TABLE events',
        "INSERT INTO events (event_id) VALUES ('forged')",
        'INSERT INTO consumer_lag SELECT * FROM consumer_lag LIMIT 0',
      ])
        expect(await typeOf(jobs.command({ query })), query).toBe('ACCESS_DENIED');
    } finally {
      await jobs.close();
    }
  });
});
