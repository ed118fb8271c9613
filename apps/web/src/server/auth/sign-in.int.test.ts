// Sign-in, throttling, sign-out and resolveActor against real Postgres (a fresh migrated
// database) and real Redis (a key prefix of this file's own).
import { randomBytes } from 'node:crypto';
import {
  createDb,
  createInvite,
  createTestDatabase,
  createUser,
  issueApiKey,
  updateUser,
  type Db,
  type TestDatabase,
} from '@tributary/db';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../../../../scripts/test-infra/provided-context.ts';
import { deleteRedisPrefix } from '../../../../../scripts/lib/local-services.ts';
import type { RequestMeta } from './actor.ts';
import { resolveActor } from './resolve-actor.ts';
import { PLAIN_SESSION_COOKIE, sessionCookie, type CookiePolicy } from './session-cookie.ts';
import { acceptInviteAndSignIn, signIn, signOut } from './sign-in.ts';
import { createThrottleRedis, MAX_FAILURES, SignInThrottle } from './sign-in-throttle.ts';

let testDb: TestDatabase;
let db: Db;
let redis: Redis;
let throttle: SignInThrottle;
const prefix = `it:signin:${randomBytes(4).toString('hex')}:`;
const policy: CookiePolicy = { name: PLAIN_SESSION_COOKIE, secure: false };
const PASSWORD = 'a perfectly fine password';

function meta(ip: string | null = '198.51.100.1'): RequestMeta {
  return { ip, userAgent: 'vitest-agent', requestId: `req-${randomBytes(6).toString('hex')}` };
}

/** The request headers a browser holding `token` sends. */
function withCookie(token: string): Headers {
  return new Headers({ cookie: `other=1; ${sessionCookie(token, policy).split(';')[0]}` });
}

beforeAll(async () => {
  testDb = await createTestDatabase(inject('postgresUrl'));
  db = createDb(testDb.url);
  redis = createThrottleRedis(inject('redisUrl'));
  throttle = new SignInThrottle(redis, prefix);
});
afterAll(async () => {
  redis?.disconnect();
  await deleteRedisPrefix(inject('redisUrl'), prefix);
  await db?.$disconnect();
  await testDb?.drop();
});

describe('sign-in', () => {
  it('opens a session the cookie resolves to a user actor; sign-out deletes it on the server', async () => {
    const u = await createUser(
      db,
      { email: 'op@example.com', password: PASSWORD, role: 'operator' },
      { actor: 'test' },
    );
    const result = await signIn({ db, throttle }, { email: 'OP@example.com', password: PASSWORD }, meta());
    if (!result.ok) throw new Error(result.message);
    const actor = await resolveActor(db, withCookie(result.token), { policy });
    expect(actor).toMatchObject({
      kind: 'user',
      userId: u.id,
      name: 'op@example.com',
      role: 'operator',
      piiGrant: false,
    });

    expect(await signOut(db, result.token, meta())).toBe(true);
    expect(await resolveActor(db, withCookie(result.token), { policy })).toBeNull();
    const actions = (await db.auditLog.findMany({ where: { entityId: u.id } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.sign_in', 'auth.sign_out']));
  });

  it(`refuses the attempt after ${MAX_FAILURES} failures for one email with 429, even with the right password`, async () => {
    await createUser(
      db,
      { email: 'target@example.com', password: PASSWORD, role: 'viewer' },
      { actor: 'test' },
    );
    for (let i = 0; i < MAX_FAILURES; i++) {
      // A different IP each time: the per-email count alone must stop the guesser.
      const r = await signIn(
        { db, throttle },
        { email: 'target@example.com', password: `guess ${i}` },
        meta(`192.0.2.${i + 1}`),
      );
      expect(r).toMatchObject({ ok: false, status: 401 });
    }
    const blocked = await signIn(
      { db, throttle },
      { email: 'target@example.com', password: PASSWORD },
      meta('192.0.2.200'),
    );
    expect(blocked).toMatchObject({ ok: false, status: 429 });
    if (blocked.ok) return;
    expect(blocked.retryAfterS).toBeGreaterThanOrEqual(1);
    expect(blocked.retryAfterS).toBeLessThanOrEqual(60);

    // Every failure is audited with where it came from.
    const failed = await db.auditLog.findMany({
      where: { action: 'auth.sign_in_failed', entityId: 'target@example.com' },
    });
    expect(failed).toHaveLength(MAX_FAILURES + 1);
    expect(failed.filter((a) => (a.after as { reason: string }).reason === 'throttled')).toHaveLength(1);
    expect(
      failed.every(
        (a) =>
          a.userAgent === 'vitest-agent' && a.requestId?.startsWith('req-') && a.ip?.startsWith('192.0.2.'),
      ),
    ).toBe(true);
  });

  it(`refuses one IP after ${MAX_FAILURES} failures across many emails`, async () => {
    const ip = '203.0.113.99';
    for (let i = 0; i < MAX_FAILURES; i++) {
      const r = await signIn({ db, throttle }, { email: `spray${i}@example.com`, password: 'x' }, meta(ip));
      expect(r).toMatchObject({ ok: false, status: 401 });
    }
    const fresh = await signIn(
      { db, throttle },
      { email: 'someone-else@example.com', password: 'x' },
      meta(ip),
    );
    expect(fresh).toMatchObject({ ok: false, status: 429 });
    // Another IP for that email is still heard.
    const other = await signIn(
      { db, throttle },
      { email: 'someone-else@example.com', password: 'x' },
      meta('203.0.113.100'),
    );
    expect(other).toMatchObject({ ok: false, status: 401 });
  });

  it('counts failures in Redis, so a second console process sees them', async () => {
    const secondRedis = createThrottleRedis(inject('redisUrl'));
    try {
      const second = new SignInThrottle(secondRedis, prefix);
      for (let i = 0; i < MAX_FAILURES; i++) await throttle.fail('shared@example.com', null);
      expect(await second.check('shared@example.com', null)).toMatchObject({ allowed: false });
      expect(await redis.exists(`${prefix}signin:email:shared@example.com`)).toBe(1);
    } finally {
      secondRedis.disconnect();
    }
  });
});

describe('resolveActor', () => {
  it('resolves a Bearer API key, refuses unknown keys, and ignores a cookie riding along with a key', async () => {
    const key = await issueApiKey(db, { name: 'ci', scopes: ['schemas:write'] });
    const actor = await resolveActor(db, new Headers({ authorization: `Bearer ${key.key}` }), { policy });
    expect(actor).toMatchObject({ kind: 'key', keyId: key.id, name: 'ci', scopes: ['schemas:write'] });
    expect(
      await resolveActor(db, new Headers({ authorization: 'Bearer trb_ak_nope' }), { policy }),
    ).toBeNull();
    expect(await resolveActor(db, new Headers({ authorization: 'Basic abc' }), { policy })).toBeNull();
    expect(await resolveActor(db, new Headers(), { policy })).toBeNull();
  });

  it('returns null for a deactivated person and for a cookie under another name', async () => {
    const u = await createUser(
      db,
      { email: 'gone@example.com', password: PASSWORD, role: 'admin' },
      { actor: 'test' },
    );
    await createUser(
      db,
      { email: 'stays@example.com', password: PASSWORD, role: 'admin' },
      { actor: 'test' },
    );
    const r = await signIn({ db, throttle }, { email: 'gone@example.com', password: PASSWORD }, meta());
    if (!r.ok) throw new Error(r.message);
    const secure: CookiePolicy = { name: '__Host-tributary_session', secure: true };
    // An https console reads only the __Host- name: a planted unprefixed cookie is not a session.
    expect(await resolveActor(db, withCookie(r.token), { policy: secure })).toBeNull();
    expect(await resolveActor(db, withCookie(r.token), { policy })).not.toBeNull();
    await updateUser(db, u.id, { deactivated: true }, { actor: 'test' });
    expect(await resolveActor(db, withCookie(r.token), { policy })).toBeNull();
  });
});

describe('accepting an invite', () => {
  it('creates the person, signs them in, and refuses a short password or a second use', async () => {
    const { token } = await createInvite(
      db,
      { email: 'invitee@example.com', role: 'operator' },
      { actor: 'user:admin' },
    );
    const r = await acceptInviteAndSignIn(db, { token, password: 'long enough password' }, meta());
    if (!r.ok) throw new Error(r.message);
    expect(await resolveActor(db, withCookie(r.token), { policy })).toMatchObject({
      role: 'operator',
      name: 'invitee@example.com',
    });
    expect(
      await acceptInviteAndSignIn(db, { token, password: 'long enough password' }, meta()),
    ).toMatchObject({
      ok: false,
      status: 410,
    });
  });
});
