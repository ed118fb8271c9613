// Enforcement and unknown-event-type policy changes against a real, migrated Postgres database.
import { TributaryError } from '@tributary/contracts';
import {
  createDb,
  createSource,
  createTestDatabase,
  databaseUrlFromEnv,
  type Db,
  type TestDatabase,
} from '@tributary/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSubject, listSources, registerVersion, setEnforcement, setSourcePolicy } from './index.ts';

let testDb: TestDatabase;
let db: Db;

beforeAll(async () => {
  testDb = await createTestDatabase(databaseUrlFromEnv());
  db = createDb(testDb.url);
  await registerVersion(db, 'policy.subject', { type: 'object' }, { actor: 'seed' });
  await createSource(db, 'policy-source', { actor: 'seed' });
});

afterAll(async () => {
  await db?.$disconnect();
  await testDb?.drop();
});

async function rejection(p: Promise<unknown>): Promise<TributaryError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TributaryError);
  return err as TributaryError;
}

async function auditActions(entity: string, action: string) {
  return db.auditLog.findMany({ where: { entity, action }, orderBy: { at: 'asc' } });
}

describe('setEnforcement', () => {
  it('switches enforcement, audits once and is idempotent', async () => {
    expect((await getSubject(db, 'policy.subject')).enforcement).toBe('enforce');
    const view = await setEnforcement(db, 'policy.subject', 'observe', { actor: 'alice' });
    expect(view.enforcement).toBe('observe');
    await setEnforcement(db, 'policy.subject', 'observe', { actor: 'alice' });
    const audits = await auditActions('subject', 'subject.set_enforcement');
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actor: 'alice',
      before: { name: 'policy.subject', enforcement: 'enforce' },
      after: { name: 'policy.subject', enforcement: 'observe' },
    });
    expect((await setEnforcement(db, 'policy.subject', 'enforce', { actor: 'bob' })).enforcement).toBe(
      'enforce',
    );
    expect(await auditActions('subject', 'subject.set_enforcement')).toHaveLength(2);
  });

  it('answers not_found for an unknown subject and bad_request for a bad value', async () => {
    const missing = await rejection(setEnforcement(db, 'nope', 'observe', { actor: 'a' }));
    expect(missing.code).toBe('not_found');
    expect(missing.message).toContain('"nope"');
    const bad = await rejection(setEnforcement(db, 'policy.subject', 'loose' as 'observe', { actor: 'a' }));
    expect(bad.code).toBe('bad_request');
    expect(bad.message).toContain('enforce, observe');
  });
});

describe('setSourcePolicy', () => {
  it('switches the policy, audits once and is idempotent', async () => {
    expect((await listSources(db)).find((s) => s.name === 'policy-source')?.unknownEventTypes).toBe('allow');
    const view = await setSourcePolicy(db, 'policy-source', 'reject', { actor: 'alice' });
    expect(view).toMatchObject({ name: 'policy-source', unknownEventTypes: 'reject' });
    await setSourcePolicy(db, 'policy-source', 'reject', { actor: 'alice' });
    const audits = await auditActions('source', 'source.set_policy');
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actor: 'alice',
      before: { name: 'policy-source', unknownEventTypes: 'allow' },
      after: { name: 'policy-source', unknownEventTypes: 'reject' },
    });
    expect((await listSources(db)).find((s) => s.name === 'policy-source')?.unknownEventTypes).toBe('reject');
  });

  it('answers not_found for an unknown source and bad_request for a bad value', async () => {
    const missing = await rejection(setSourcePolicy(db, 'ghost', 'reject', { actor: 'a' }));
    expect(missing.code).toBe('not_found');
    const bad = await rejection(setSourcePolicy(db, 'policy-source', 'drop' as 'reject', { actor: 'a' }));
    expect(bad.code).toBe('bad_request');
  });
});
