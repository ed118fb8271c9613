// Every registry write leaves its control hint in the outbox in its own transaction; a refused
// or no-op write leaves none (real, migrated Postgres).
import {
  createDb,
  createSource,
  createTestDatabase,
  databaseUrlFromEnv,
  type Db,
  type TestDatabase,
} from '@tributary/db';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  deleteVersion,
  deprecateVersion,
  registerVersion,
  setEnforcement,
  setMode,
  setSourcePolicy,
  setSourceRateLimit,
} from './index.ts';

let testDb: TestDatabase;
let db: Db;

beforeAll(async () => {
  testDb = await createTestDatabase(databaseUrlFromEnv());
  db = createDb(testDb.url);
  await createSource(db, 'outbox_source', { actor: 'seed' });
});

afterAll(async () => {
  await db?.$disconnect();
  await testDb?.drop();
});

beforeEach(async () => {
  await db.controlOutbox.deleteMany({});
});

const hints = async () =>
  (await db.controlOutbox.findMany({ orderBy: { id: 'asc' } })).map((r) => `${r.kind}:${r.name}`);

const object = (properties: Record<string, unknown>) => ({ type: 'object', properties });

describe('registry writes and the control outbox', () => {
  it('writes a subject hint with each version, mode, enforcement, deprecation and deletion', async () => {
    await registerVersion(db, 'outbox_subject', object({ a: { type: 'string' } }), { actor: 'it' });
    await registerVersion(db, 'outbox_subject', object({ a: { type: 'string' }, b: { type: 'number' } }), {
      actor: 'it',
    });
    await setMode(db, 'outbox_subject', 'NONE', { actor: 'it' });
    await setEnforcement(db, 'outbox_subject', 'observe', { actor: 'it' });
    await deprecateVersion(db, 'outbox_subject', 1, { actor: 'it' });
    await deleteVersion(db, 'outbox_subject', 2, { actor: 'it' });
    expect(await hints()).toEqual(Array(6).fill('subject:outbox_subject'));
  });

  it('writes a source hint with each policy and rate-limit change', async () => {
    await setSourcePolicy(db, 'outbox_source', 'reject', { actor: 'it' });
    await setSourceRateLimit(db, 'outbox_source', { eventsPerSecond: 10, burst: 20 }, { actor: 'it' });
    expect(await hints()).toEqual(['source:outbox_source', 'source:outbox_source']);
  });

  it('writes nothing for a refused or unchanged write', async () => {
    await registerVersion(db, 'outbox_refused', object({ a: { type: 'string' } }), { actor: 'it' });
    await db.controlOutbox.deleteMany({});
    // Incompatible under the default mode: the transaction rolls back, hint included.
    await expect(
      registerVersion(
        db,
        'outbox_refused',
        { ...object({ a: { type: 'number' } }), required: ['a'] },
        { actor: 'it' },
      ),
    ).rejects.toThrow(/not \w+ compatible/);
    // The same schema again, and settings to what they already are: nothing changed.
    await registerVersion(db, 'outbox_refused', object({ a: { type: 'string' } }), { actor: 'it' });
    await setEnforcement(db, 'outbox_refused', 'enforce', { actor: 'it' });
    await setSourcePolicy(db, 'outbox_source', 'reject', { actor: 'it' });
    expect(await hints()).toEqual([]);
  });
});
