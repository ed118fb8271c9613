// Alert history against a real, migrated Postgres: state changes and notification attempts
// recorded and listed per rule; retention deletes exactly the rows older than 30 days.
import { createDb, createTestDatabase, databaseUrlFromEnv, type Db, type TestDatabase } from '@tributary/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteExpiredAlertHistory, listAlertHistory, recordAlertHistory } from './history.ts';

let testDb: TestDatabase;
let db: Db;

beforeAll(async () => {
  testDb = await createTestDatabase(databaseUrlFromEnv());
  db = createDb(testDb.url);
});
afterAll(async () => {
  await db?.$disconnect();
  await testDb?.drop();
});

const DAY = 86_400_000;
const now = new Date('2026-12-03T12:00:00Z');
const ago = (days: number, ms = 0) => new Date(now.getTime() - days * DAY + ms);

describe('alert history', () => {
  it('records, lists per rule, and keeps 30 days', async () => {
    const common = { ruleId: null, ruleName: 'lag', groupKey: '{}' };
    expect(
      await recordAlertHistory(db, [
        { ...common, kind: 'state_change', from: 'normal', to: 'pending', at: ago(31) },
        // One millisecond inside the retention period: kept.
        { ...common, kind: 'state_change', from: 'pending', to: 'firing', at: ago(30, 1) },
        { ...common, kind: 'notification', receiver: 'ops', outcome: 'sent', at: ago(1) },
        {
          ...common,
          ruleName: 'freshness',
          kind: 'notification',
          receiver: 'ops',
          outcome: 'silenced',
          silenced: true,
          at: ago(0),
          detail: { silence: 'abc' },
        },
      ]),
    ).toBe(4);

    const lag = await listAlertHistory(db, { ruleName: 'lag' });
    expect(lag.map((r) => [r.kind, r.toState ?? r.outcome])).toEqual([
      ['notification', 'sent'],
      ['state_change', 'firing'],
      ['state_change', 'pending'],
    ]);
    const all = await listAlertHistory(db);
    expect(all[0]).toMatchObject({ ruleName: 'freshness', silenced: true, detail: { silence: 'abc' } });

    expect(await deleteExpiredAlertHistory(db, { now })).toBe(1);
    expect(await deleteExpiredAlertHistory(db, { now })).toBe(0);
    expect((await listAlertHistory(db)).map((r) => r.at)).not.toContain(ago(31).toISOString());
    expect(await listAlertHistory(db)).toHaveLength(3);
  });
});
