// People, sessions, invites and the first admin against a real, migrated Postgres (one fresh
// database for this file).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from './client.ts';
import { databaseUrlFromEnv } from './env.ts';
import { acceptInvite, createInvite, findInvite, INVITE_TTL_MS, InviteError } from './invites.ts';
import { ensureFirstAdmin, FIRST_ADMIN_EMAIL } from './seed-admin.ts';
import { hashToken } from './secrets.ts';
import {
  createSession,
  revokeSession,
  SESSION_RENEW_BELOW_MS,
  SESSION_TTL_MS,
  validateSession,
} from './sessions.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { createUser, LastAdminError, updateUser, verifyCredentials } from './users.ts';

let testDb: TestDatabase;
let db: Db;
const meta = { ip: '203.0.113.7', userAgent: 'vitest' };

beforeAll(async () => {
  testDb = await createTestDatabase(databaseUrlFromEnv());
  db = createDb(testDb.url);
});
afterAll(async () => {
  await db?.$disconnect();
  await testDb?.drop();
});

describe('users', () => {
  it('stores an argon2id hash, signs in case-insensitively, refuses wrong and deactivated', async () => {
    const u = await createUser(
      db,
      { email: ' Ada@Example.com ', password: 'correct horse battery', role: 'operator' },
      { actor: 'test' },
    );
    expect(u.email).toBe('ada@example.com');
    const stored = await db.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored.passwordHash).not.toContain('correct horse');
    expect((await verifyCredentials(db, 'ADA@example.com', 'correct horse battery'))?.id).toBe(u.id);
    expect(await verifyCredentials(db, 'ada@example.com', 'wrong')).toBeNull();
    expect(await verifyCredentials(db, 'nobody@example.com', 'correct horse battery')).toBeNull();
    await updateUser(db, u.id, { deactivated: true }, { actor: 'test' });
    expect(await verifyCredentials(db, 'ada@example.com', 'correct horse battery')).toBeNull();
    const audit = await db.auditLog.findMany({ where: { entityId: u.id }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['user.create', 'user.update']);
  });

  it('refuses to demote or deactivate the last active admin', async () => {
    const a = await createUser(
      db,
      { email: 'only-admin@example.com', password: 'x'.repeat(12), role: 'admin' },
      { actor: 'test' },
    );
    await expect(updateUser(db, a.id, { role: 'viewer' }, { actor: 'test' })).rejects.toBeInstanceOf(
      LastAdminError,
    );
    await expect(updateUser(db, a.id, { deactivated: true }, { actor: 'test' })).rejects.toBeInstanceOf(
      LastAdminError,
    );
    const b = await createUser(
      db,
      { email: 'second-admin@example.com', password: 'x'.repeat(12), role: 'admin' },
      { actor: 'test' },
    );
    expect((await updateUser(db, a.id, { role: 'viewer' }, { actor: 'test' }))?.role).toBe('viewer');
    await expect(updateUser(db, b.id, { role: 'operator' }, { actor: 'test' })).rejects.toBeInstanceOf(
      LastAdminError,
    );
  });
});

describe('sessions', () => {
  it('keeps only the token hash, expires, renews when half used, and revokes', async () => {
    const u = await createUser(
      db,
      { email: 'sess@example.com', password: 'y'.repeat(12), role: 'viewer' },
      { actor: 'test' },
    );
    const t0 = new Date('2026-12-01T00:00:00Z');
    const s = await createSession(db, u.id, meta, { now: t0 });
    expect(s.id).toBe(hashToken(s.token));
    const row = await db.session.findUniqueOrThrow({ where: { id: s.id } });
    expect(row).toMatchObject({ userId: u.id, ip: meta.ip, userAgent: 'vitest' });
    expect(JSON.stringify(row)).not.toContain(s.token);

    const early = await validateSession(db, s.token, { now: new Date(t0.getTime() + 1000) });
    expect(early).toMatchObject({ renewed: false, user: { email: 'sess@example.com', role: 'viewer' } });
    // Past half its life: renewed to a full TTL from now.
    const later = new Date(t0.getTime() + SESSION_TTL_MS - SESSION_RENEW_BELOW_MS + 1000);
    const renewed = await validateSession(db, s.token, { now: later });
    expect(renewed?.renewed).toBe(true);
    expect(renewed?.expiresAt.getTime()).toBe(later.getTime() + SESSION_TTL_MS);
    // Unused for a whole TTL: gone, and the row deleted.
    const expired = new Date(later.getTime() + SESSION_TTL_MS);
    expect(await validateSession(db, s.token, { now: expired })).toBeNull();
    expect(await db.session.count({ where: { id: s.id } })).toBe(0);

    const s2 = await createSession(db, u.id, meta);
    expect(await validateSession(db, s2.token)).not.toBeNull();
    expect(await revokeSession(db, s2.id)).toBe(true);
    expect(await validateSession(db, s2.token)).toBeNull();
    expect(await validateSession(db, 'a'.repeat(32))).toBeNull();
  });

  it('ends every session of a person who is deactivated', async () => {
    const u = await createUser(
      db,
      { email: 'leaver@example.com', password: 'z'.repeat(12), role: 'operator' },
      { actor: 'test' },
    );
    const s = await createSession(db, u.id, meta);
    await updateUser(db, u.id, { deactivated: true }, { actor: 'test' });
    expect(await validateSession(db, s.token)).toBeNull();
    expect(await db.session.count({ where: { userId: u.id } })).toBe(0);
  });
});

describe('invites', () => {
  it('works once, creates the person with the invited role, and is refused after expiry', async () => {
    const { token, invite } = await createInvite(
      db,
      { email: 'New@Example.com', role: 'schema_owner' },
      { actor: 'user:admin@example.com' },
    );
    expect(invite.email).toBe('new@example.com');
    expect((await db.invite.findUniqueOrThrow({ where: { id: invite.id } })).tokenHash).toBe(
      hashToken(token),
    );
    expect((await findInvite(db, token)).role).toBe('schema_owner');
    // Two acceptances racing: exactly one creates the account.
    const results = await Promise.allSettled([
      acceptInvite(db, token, 'first password!'),
      acceptInvite(db, token, 'second password'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(InviteError);
    expect((await db.user.findUniqueOrThrow({ where: { email: 'new@example.com' } })).role).toBe(
      'schema_owner',
    );
    await expect(findInvite(db, token)).rejects.toMatchObject({ reason: 'used' });
    await expect(
      createInvite(db, { email: 'new@example.com', role: 'viewer' }, { actor: 't' }),
    ).rejects.toMatchObject({
      reason: 'email_taken',
    });

    const old = await createInvite(
      db,
      { email: 'late@example.com', role: 'viewer' },
      { actor: 't', now: new Date(Date.now() - INVITE_TTL_MS - 1000) },
    );
    await expect(acceptInvite(db, old.token, 'a long password')).rejects.toMatchObject({ reason: 'expired' });
    await expect(findInvite(db, 'nosuchtoken'.repeat(2))).rejects.toMatchObject({ reason: 'unknown' });
  });
});

describe('first admin', () => {
  it('is created once; a later start keeps the user and hands back the known password only if it still works', async () => {
    const first = await ensureFirstAdmin(db);
    expect(first).toMatchObject({ email: FIRST_ADMIN_EMAIL, created: true });
    expect(first.password).toMatch(/^[a-z2-7]{32}$/);
    expect((await verifyCredentials(db, FIRST_ADMIN_EMAIL, first.password!))?.role).toBe('admin');

    const again = await ensureFirstAdmin(db, { knownPassword: first.password });
    expect(again).toEqual({ email: FIRST_ADMIN_EMAIL, password: first.password, created: false });
    expect(await ensureFirstAdmin(db, { knownPassword: 'stale' })).toEqual({
      email: FIRST_ADMIN_EMAIL,
      password: null,
      created: false,
    });
    expect(await db.user.count({ where: { email: FIRST_ADMIN_EMAIL } })).toBe(1);
  });
});
