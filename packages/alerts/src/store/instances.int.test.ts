// Alert instances against a real, migrated Postgres: what evaluateRule returns is saved and loads
// back equal (so the next evaluation continues where this one stopped), forgotten instances are
// deleted, and each state change lands in history in the same write.
import { createDb, createTestDatabase, databaseUrlFromEnv, type Db, type TestDatabase } from '@tributary/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateRule } from '../state-machine.ts';
import { listAlertHistory } from './history.ts';
import { listActiveAlertInstances, loadAlertInstances, saveAlertEvaluation } from './instances.ts';
import { createAlertRule } from './rules.ts';

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

describe('alert instances', () => {
  it('saves an evaluation, loads it back for the next one, and forgets resolved groups', async () => {
    const { id, rule } = await createAlertRule(
      db,
      {
        name: 'rejects',
        title: 'Ingest rejects',
        query: { kind: 'signal', signal: { kind: 'ingest_rejects' } },
        condition: { kind: 'threshold', op: 'above', threshold: 10 },
        pendingSeconds: 60,
      },
      { actor: 'test' },
    );
    const t0 = Date.parse('2026-12-03T12:00:00Z');
    const values = (shop: number, app: number) => ({
      kind: 'values' as const,
      values: [
        { labels: { source: 'shop' }, value: shop },
        { labels: { source: 'app' }, value: app },
      ],
      absentIsZero: true,
    });

    const first = evaluateRule(rule, new Map(), values(50, 1), t0);
    await saveAlertEvaluation(db, { id, name: rule.name }, first);
    const loaded = await loadAlertInstances(db, id);
    expect(loaded).toEqual(first.instances);

    // The pending period runs on from the stored state: a minute later shop fires.
    const second = evaluateRule(rule, loaded, values(50, 1), t0 + 60_000);
    await saveAlertEvaluation(db, { id, name: rule.name }, second);
    const active = await listActiveAlertInstances(db);
    expect(active.map((a) => [a.rule, a.labels, a.state])).toEqual([
      ['rejects', { source: 'shop' }, 'firing'],
    ]);
    expect(active[0]?.ruleTitle).toBe('Ingest rejects');

    // Only shop returns now (app absent counts as 0 and is forgotten once normal).
    const third = evaluateRule(
      rule,
      await loadAlertInstances(db, id),
      { kind: 'values', values: [{ labels: { source: 'shop' }, value: 0 }], absentIsZero: true },
      t0 + 120_000,
    );
    await saveAlertEvaluation(db, { id, name: rule.name }, third);
    expect(await loadAlertInstances(db, id)).toEqual(third.instances);
    expect(await db.alertInstance.count({ where: { ruleId: id } })).toBe(third.instances.size);

    const history = await listAlertHistory(db, { ruleName: 'rejects' });
    const changes = [...first.changes, ...second.changes, ...third.changes];
    expect(history).toHaveLength(changes.length);
    expect(history.map((h) => [h.fromState, h.toState]).reverse()).toEqual(
      changes.map((c) => [c.from, c.to]),
    );
    expect(changes.map((c) => c.to)).toContain('firing');
  });
});
