// The registry's server functions against a real Postgres database of this file's own, migrated
// with the project's migrations.
import { TributaryError } from '@tributary/contracts';
import {
  createDb,
  createTestDatabase,
  databaseUrlFromEnv,
  seedDemo,
  type Db,
  type TestDatabase,
} from '@tributary/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_SCHEMA_BYTES,
  checkExamples,
  checkSchemaDocument,
  deleteVersion,
  deprecateVersion,
  getSubject,
  getVersion,
  listSubjects,
  listVersions,
  registerVersion,
  setMode,
  testCompatibility,
} from './index.ts';

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

const closed = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const str = { type: 'string' };

async function rejection(p: Promise<unknown>): Promise<TributaryError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TributaryError);
  return err as TributaryError;
}

async function auditFor(entityIds: string[]) {
  return db.auditLog.findMany({ where: { entityId: { in: entityIds } }, orderBy: { at: 'asc' } });
}

async function ids(subject: string) {
  const row = await db.subject.findUniqueOrThrow({
    where: { name: subject },
    include: { versions: { orderBy: { version: 'asc' } } },
  });
  return { subjectId: row.id, versionIds: row.versions.map((v) => v.id), lastVersion: row.lastVersion };
}

describe('registerVersion', () => {
  it('creates the subject on first registration, with audit rows in the same transaction', async () => {
    const { created, version } = await registerVersion(db, 'order.created', closed({ id: str }, ['id']), {
      actor: 'alice',
      description: 'orders',
      examples: [{ id: 'o-1' }],
      fieldTags: { '/id': ['key'] },
    });
    expect(created).toBe(true);
    expect(version).toMatchObject({
      subject: 'order.created',
      version: 1,
      status: 'active',
      createdBy: 'alice',
      examples: [{ id: 'o-1' }],
      fieldTags: { '/id': ['key'] },
    });
    const subject = await getSubject(db, 'order.created');
    expect(subject).toMatchObject({
      compatibility: 'BACKWARD',
      enforcement: 'enforce',
      description: 'orders',
      latestVersion: 1,
      versionCount: 1,
    });
    const { subjectId, versionIds } = await ids('order.created');
    const audit = await auditFor([subjectId, ...versionIds]);
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['subject.create', 'alice'],
      ['schema_version.register', 'alice'],
    ]);
    expect(audit[1]?.after).toMatchObject({ subject: 'order.created', version: 1 });
  });

  it('is idempotent: the schema that already is the latest returns that version and writes nothing', async () => {
    const before = await db.auditLog.count();
    // Same document, keys in another order.
    const again = await registerVersion(
      db,
      'order.created',
      { additionalProperties: false, required: ['id'], properties: { id: str }, type: 'object' },
      { actor: 'bob' },
    );
    expect(again.created).toBe(false);
    expect(again.version.version).toBe(1);
    expect(again.version.createdBy).toBe('alice');
    expect(await db.auditLog.count()).toBe(before);
  });

  it('adds a compatible version and refuses an incompatible one with reasons, writing nothing', async () => {
    const v2 = await registerVersion(db, 'order.created', closed({ id: str, note: str }, ['id']), {
      actor: 'alice',
    });
    expect(v2.version.version).toBe(2);

    const auditBefore = await db.auditLog.count();
    const before = await ids('order.created');
    // A new required field: readers of the new schema cannot read events written before it.
    const candidate = closed({ id: str, note: str, total: { type: 'number' } }, ['id', 'total']);
    const err = await rejection(registerVersion(db, 'order.created', candidate, { actor: 'alice' }));
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/not BACKWARD compatible/);
    const reasons = (err.details as { reasons: { message: string; direction: string }[] }).reasons;
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons[0]?.direction).toBe('backward');
    const verdict = await testCompatibility(db, 'order.created', candidate);
    expect(verdict.compatible).toBe(false);
    expect(verdict.reasons).toEqual(reasons);

    expect(await db.auditLog.count()).toBe(auditBefore);
    expect(await ids('order.created')).toEqual(before);
  });

  it('validates the name, the document, its size, examples and field tags', async () => {
    const cases: [string, unknown, object, string, RegExp][] = [
      ['bad name!', closed({}), {}, 'bad_request', /not a valid name/],
      ['x'.repeat(129), closed({}), {}, 'bad_request', /not a valid name/],
      ['ok', '{"type":"object"}', {}, 'bad_request', /got a string/],
      ['ok', [1], {}, 'bad_request', /got an array/],
      ['ok', true, {}, 'bad_request', /got a boolean/],
      ['ok', { type: 'strnig' }, {}, 'bad_request', /not a valid JSON Schema/],
      ['ok', { type: 'string' }, {}, 'bad_request', /must be or include "object"/],
      [
        'ok',
        closed({ blob: { type: 'string', description: 'x'.repeat(MAX_SCHEMA_BYTES) } }),
        {},
        'payload_too_large',
        /limit is 262144 bytes/,
      ],
      [
        'ok',
        closed({ id: str }, ['id']),
        { examples: [{ id: 1 }] },
        'bad_request',
        /example 0 does not match/,
      ],
      ['ok', closed({ id: str }), { examples: { id: 'x' } }, 'bad_request', /examples must be an array/],
      ['ok', closed({ id: str }), { fieldTags: { '/id': 'pii' } }, 'bad_request', /fieldTags/],
    ];
    for (const [name, schema, extra, code, message] of cases) {
      const err = await rejection(registerVersion(db, name, schema, { actor: 'alice', ...extra }));
      expect([name.slice(0, 10), err.code, err.message]).toEqual([
        name.slice(0, 10),
        code,
        expect.stringMatching(message),
      ]);
    }
    expect(await db.subject.findUnique({ where: { name: 'ok' } })).toBeNull();
  });

  it('serializes concurrent registrations: one version for one schema, consecutive numbers for many', async () => {
    const same = closed({ a: str });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => registerVersion(db, 'race.same', same, { actor: 'r' })),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.version.version))).toEqual(new Set([1]));

    await setMode(db, 'race.same', 'NONE', { actor: 'r' });
    const many = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        registerVersion(db, 'race.same', closed({ [`p${i}`]: str }), { actor: 'r' }),
      ),
    );
    expect(many.map((r) => r.version.version).sort()).toEqual([2, 3, 4, 5, 6]);
    expect((await listVersions(db, 'race.same')).map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('reading', () => {
  it('lists subjects and versions and resolves latest', async () => {
    const subjects = await listSubjects(db);
    expect(subjects.map((s) => s.name)).toEqual(['order.created', 'race.same']);
    expect((await listVersions(db, 'order.created')).map((v) => v.version)).toEqual([1, 2]);
    expect((await getVersion(db, 'order.created', 'latest')).version).toBe(2);
    expect((await getVersion(db, 'order.created', 1)).schema).toEqual(closed({ id: str }, ['id']));
  });

  it('answers not_found for an unknown subject or version', async () => {
    expect((await rejection(getSubject(db, 'nope'))).code).toBe('not_found');
    expect((await rejection(listVersions(db, 'nope'))).code).toBe('not_found');
    expect((await rejection(getVersion(db, 'nope', 'latest'))).code).toBe('not_found');
    const err = await rejection(getVersion(db, 'order.created', 9));
    expect([err.code, err.message]).toEqual(['not_found', 'subject "order.created" has no version 9']);
  });
});

describe('testCompatibility and setMode', () => {
  it('accepts anything valid for a subject without versions, and validates the candidate', async () => {
    expect(await testCompatibility(db, 'brand.new', closed({ x: str }))).toEqual({
      compatible: true,
      reasons: [],
      checkedVersions: [],
    });
    expect((await rejection(testCompatibility(db, 'brand.new', 'nope'))).code).toBe('bad_request');
    expect(await db.subject.findUnique({ where: { name: 'brand.new' } })).toBeNull();
  });

  it("uses the subject's mode, and audits mode changes", async () => {
    const breaking = closed({ id: { type: 'number' } }, ['id']);
    expect((await testCompatibility(db, 'order.created', breaking)).compatible).toBe(false);
    const subject = await setMode(db, 'order.created', 'NONE', { actor: 'carol' });
    expect(subject.compatibility).toBe('NONE');
    expect(await testCompatibility(db, 'order.created', breaking)).toEqual({
      compatible: true,
      reasons: [],
      checkedVersions: [],
    });
    await setMode(db, 'order.created', 'NONE', { actor: 'carol' }); // no change, no audit row
    await setMode(db, 'order.created', 'BACKWARD', { actor: 'carol' });

    const { subjectId } = await ids('order.created');
    const changes = (await auditFor([subjectId])).filter((a) => a.action === 'subject.set_mode');
    expect(changes.map((a) => [a.actor, a.before, a.after])).toEqual([
      [
        'carol',
        { name: 'order.created', compatibility: 'BACKWARD' },
        { name: 'order.created', compatibility: 'NONE' },
      ],
      [
        'carol',
        { name: 'order.created', compatibility: 'NONE' },
        { name: 'order.created', compatibility: 'BACKWARD' },
      ],
    ]);
    expect((await rejection(setMode(db, 'order.created', 'SIDEWAYS' as 'NONE', { actor: 'c' }))).code).toBe(
      'bad_request',
    );
    expect((await rejection(setMode(db, 'nope', 'NONE', { actor: 'c' }))).code).toBe('not_found');
  });
});

describe('deprecateVersion and deleteVersion', () => {
  it('deprecated versions no longer constrain new ones', async () => {
    await registerVersion(db, 'dep', closed({ a: str }), { actor: 'd' });
    await registerVersion(db, 'dep', closed({ a: str, b: str }), { actor: 'd' });
    // Compatible with v1 (b is dropped from a closed model: old v2 data with b would break it).
    const back = closed({ a: str });
    expect((await testCompatibility(db, 'dep', back)).compatible).toBe(false);

    const v2 = await deprecateVersion(db, 'dep', 2, { actor: 'd' });
    expect(v2.status).toBe('deprecated');
    await deprecateVersion(db, 'dep', 2, { actor: 'd' }); // already deprecated: no second audit row
    expect((await testCompatibility(db, 'dep', back)).compatible).toBe(true);
    // The schema of v1 is not the latest (v2 is), so this adds v3.
    expect((await registerVersion(db, 'dep', back, { actor: 'd' })).version.version).toBe(3);

    const { versionIds } = await ids('dep');
    const actions = (await auditFor(versionIds)).map((a) => a.action);
    expect(actions.filter((a) => a === 'schema_version.deprecate')).toHaveLength(1);
    expect((await rejection(deprecateVersion(db, 'dep', 7, { actor: 'd' }))).code).toBe('not_found');
  });

  it('deletes only the latest version without an events check, and never reuses its number', async () => {
    const err = await rejection(deleteVersion(db, 'dep', 1, { actor: 'd' }));
    expect([err.code, err.message]).toEqual([
      'conflict',
      expect.stringMatching(/only the latest version \(3\)/),
    ]);

    const deleted = await deleteVersion(db, 'dep', 3, { actor: 'eve' });
    expect(deleted.version).toBe(3);
    expect((await listVersions(db, 'dep')).map((v) => v.version)).toEqual([1, 2]);
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: 'schema_version.delete' } });
    expect(audit.actor).toBe('eve');
    expect(audit.before).toMatchObject({ subject: 'dep', version: 3 });

    await setMode(db, 'dep', 'NONE', { actor: 'd' });
    expect((await registerVersion(db, 'dep', closed({ z: str }), { actor: 'd' })).version.version).toBe(4);
    expect((await rejection(deleteVersion(db, 'dep', 3, { actor: 'd' }))).code).toBe('not_found');
  });

  it('with an events check, refuses a referenced version and deletes an unreferenced one', async () => {
    const asked: [string, number][] = [];
    const hasEvents = async (subject: string, version: number) => {
      asked.push([subject, version]);
      return version === 1;
    };
    const err = await rejection(deleteVersion(db, 'dep', 1, { actor: 'd', hasEvents }));
    expect([err.code, err.message]).toEqual([
      'conflict',
      expect.stringMatching(/stored events reference it/),
    ]);
    await deleteVersion(db, 'dep', 2, { actor: 'd', hasEvents });
    expect(asked).toEqual([
      ['dep', 1],
      ['dep', 2],
    ]);
    expect((await listVersions(db, 'dep')).map((v) => v.version)).toEqual([1, 4]);
  });
});

describe('demo seed', () => {
  it('registers the demo subjects once, valid and compatible, matching the demo traffic', async () => {
    const other = await createTestDatabase(databaseUrlFromEnv());
    const seeded = createDb(other.url);
    try {
      await seedDemo(seeded);
      await seedDemo(seeded);
      const subjects = await listSubjects(seeded);
      expect(subjects.map((s) => [s.name, s.latestVersion, s.versionCount])).toEqual([
        ['page_view', 2, 2],
        ['purchase', 1, 1],
        ['user_signup', 1, 1],
      ]);
      // What scripts/demo.ts sends under `data`.
      const traffic: Record<string, unknown> = {
        page_view: { path: '/pricing', referrer: 'google' },
        user_signup: { plan: 'team', method: 'sso' },
        purchase: { sku: 'team', amount: 99, currency: 'USD' },
      };
      for (const s of subjects) {
        for (const v of await listVersions(seeded, s.name)) {
          checkSchemaDocument(v.schema);
          checkExamples(v.schema, v.examples);
        }
        const latest = await getVersion(seeded, s.name, 'latest');
        expect(() => checkExamples(latest.schema, [traffic[s.name]])).not.toThrow();
      }
      // v2 of page_view is what the checker itself accepts after v1 (replayed on a copy).
      const [v1, v2] = await listVersions(seeded, 'page_view');
      await registerVersion(seeded, 'page_view_copy', v1!.schema, { actor: 't' });
      const copy = await registerVersion(seeded, 'page_view_copy', v2!.schema, { actor: 't' });
      expect(copy.version.version).toBe(2);
      // A restart leaves an evolved subject alone.
      await setMode(seeded, 'purchase', 'NONE', { actor: 't' });
      await registerVersion(seeded, 'purchase', closed({ sku: str }), { actor: 't' });
      await seedDemo(seeded);
      expect((await getSubject(seeded, 'purchase')).latestVersion).toBe(2);
    } finally {
      await seeded.$disconnect();
      await other.drop();
    }
  });
});
