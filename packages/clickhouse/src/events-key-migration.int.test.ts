// Migration 0006 against the real engine: a database migrated before it keeps every event,
// gains the source in the sorting key, and the per-minute view keeps counting.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClickHouse } from './client.ts';
import { insertRows, toDateTime64 } from './insert.ts';
import { defaultMigrationsDir, migrate, MigrationError } from './migrate.ts';

const url = inject('clickhouseUrl');
const db = `tributary_chkey_${randomBytes(4).toString('hex')}`;
let tmp: string;
let client: ReturnType<typeof createClickHouse>;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tributary-chkey-'));
  client = createClickHouse({ url });
});

afterAll(async () => {
  await client?.command({ query: `DROP DATABASE IF EXISTS ${db}` });
  await client?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function rows<T>(query: string): Promise<T[]> {
  return (await client.query({ query, format: 'JSONEachRow' })).json<T>();
}

function event(event_id: string, source: string, n: number) {
  const at = new Date();
  return {
    event_id,
    event_type: 'purchase',
    timestamp: toDateTime64(at),
    user_id: 'u-1',
    data: { n },
    metadata: {},
    source,
    schema_version: null,
    received_at: toDateTime64(at),
    processed_at: toDateTime64(at),
  };
}

describe('migration 0006: events keyed by source', () => {
  it('keeps the events stored before it and lets two sources hold the same event_id', async () => {
    const before = join(tmp, 'before');
    // The migrations before 0006 only (the directory itself passes the filter too).
    const versionOf = (f: string) => Number(/(\d{4})_[a-z0-9_]+\.sql$/.exec(f)?.[1] ?? 0);
    cpSync(defaultMigrationsDir(), before, { recursive: true, filter: (f) => versionOf(f) < 6 });
    await migrate({ client, database: db, migrationsDir: before });
    await insertRows(client, `${db}.events`, [event('old-1', 'web', 1), event('old-2', 'app', 2)]);

    const result = await migrate({ client, database: db });
    // Later migrations (0007 onwards) run after it.
    expect(result.applied[0]).toBe('0006_events_keyed_by_source.sql');
    expect(
      await rows(
        `SELECT name, sorting_key FROM system.tables WHERE database = '${db}' AND name LIKE 'events%' ORDER BY name`,
      ),
    ).toEqual([
      { name: 'events', sorting_key: 'event_type, source, event_id' },
      { name: 'events_per_minute', sorting_key: 'minute, event_type' },
      { name: 'events_per_minute_mv', sorting_key: '' },
    ]);
    expect(await rows(`SELECT event_id, source, data.n AS n FROM ${db}.events ORDER BY event_id`)).toEqual([
      { event_id: 'old-1', source: 'web', n: 1 },
      { event_id: 'old-2', source: 'app', n: 2 },
    ]);

    // The same (event_type, event_id) from two sources: two events, even after a merge.
    await insertRows(client, `${db}.events`, [event('shared', 'web', 3)]);
    await insertRows(client, `${db}.events`, [event('shared', 'app', 4)]);
    // A resend from the same source folds into one.
    await insertRows(client, `${db}.events`, [event('shared', 'web', 3)]);
    await client.command({ query: `OPTIMIZE TABLE ${db}.events FINAL` });
    expect(
      await rows(`SELECT source, data.n AS n FROM ${db}.events WHERE event_id = 'shared' ORDER BY source`),
    ).toEqual([
      { source: 'app', n: 4 },
      { source: 'web', n: 3 },
    ]);
    // The view still fires on the swapped-in table: 2 before + 3 inserts after (it counts
    // inserts; the workers keep resends from reaching the table).
    expect(await rows(`SELECT sum(events) AS n FROM ${db}.events_per_minute`)).toEqual([{ n: 5 }]);
  });

  it('refuses to run again once events is keyed by source', async () => {
    await client.command({ query: `DELETE FROM ${db}.schema_migrations WHERE version = 6` });
    const err = await migrate({ client, database: db }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toMatch(/already keyed by source/);
    expect(await rows(`SELECT count() AS n FROM ${db}.events`)).toEqual([{ n: 4 }]);
  });
});
