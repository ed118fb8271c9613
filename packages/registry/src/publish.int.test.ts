import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createTestDatabase, databaseUrlFromEnv, type Db, type TestDatabase } from '@tributary/db';
// Publishing itself (these records on the real control topic) is covered by ingest's and the
// console's integration tests; here, what the records say.
import { controlSnapshot, subjectState } from './publish.ts';
import { deprecateVersion } from './manage.ts';
import { registerVersion } from './register.ts';

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

const v1 = {
  type: 'object',
  properties: { id: { type: 'string' } },
  required: ['id'],
  additionalProperties: false,
};
const v2 = { ...v1, properties: { ...v1.properties, note: { type: 'string' } } };

describe('control records of the registry', () => {
  it('carry the full state, only active versions, and revisions that grow with each change', async () => {
    await registerVersion(db, 'order', v1, { actor: 't' });
    await registerVersion(db, 'order', v2, { actor: 't' });
    const first = await subjectState(db, 'order');
    expect(first.state).toEqual({
      compatibility: 'BACKWARD',
      enforcement: 'enforce',
      latestVersion: 2,
      versions: [
        { version: 1, schema: v1 },
        { version: 2, schema: v2 },
      ],
    });
    await deprecateVersion(db, 'order', 1, { actor: 't' });
    const second = await subjectState(db, 'order');
    expect(second.state?.versions.map((v) => v.version)).toEqual([2]);
    expect(second.state?.latestVersion).toBe(2);
    expect(second.revision).toBeGreaterThan(first.revision);

    expect(await subjectState(db, 'nothing_here')).toMatchObject({ kind: 'subject', state: null });
  });

  it('reads every subject and source in one snapshot', async () => {
    await db.source.create({ data: { name: 'web', unknownEventTypes: 'reject' } });
    const before = await subjectState(db, 'order');
    const { revision, records } = await controlSnapshot(db);
    expect(records.map((r) => `${r.kind}:${r.name}`)).toEqual(['subject:order', 'source:web']);
    expect(records[1]).toMatchObject({ kind: 'source', state: { unknownEventTypes: 'reject' } });
    expect(records.every((r) => r.revision === revision)).toBe(true);
    expect(revision).toBeGreaterThan(before.revision);
  });
});
