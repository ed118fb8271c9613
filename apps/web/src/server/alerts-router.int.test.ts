// The alerts procedures against real Postgres: who may write what (a viewer reads only; an
// operator writes rules and silences but not receivers or routing; an admin everything), receiver
// secrets masked for everyone but admins, and writes audited under the caller's own name.
import { createClickHouse } from '@tributary/clickhouse';
import { createDb, createTestDatabase, databaseUrlFromEnv, type Db, type TestDatabase } from '@tributary/db';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from './auth/actor.ts';
import { keyActor, userActor } from './auth/test-actors.ts';

let testDb: TestDatabase;
let db: Db;
const unusedClickHouse = { client: createClickHouse({ url: 'http://127.0.0.1:1' }), database: 'none' };

beforeAll(async () => {
  testDb = await createTestDatabase(databaseUrlFromEnv(), { prefix: 'tributary_alerts_router' });
  db = createDb(testDb.url);
  // NOTE: the console's env is parsed when first imported, so the router loads only after this.
  process.env.DATABASE_URL = testDb.url;
});

afterAll(async () => {
  await (await import('./db.ts')).getDb().$disconnect();
  await db?.$disconnect();
  await testDb?.drop();
});

async function api(actor: Actor) {
  const { appRouter } = await import('./routers/index.ts');
  const { callerContext } = await import('./trpc.ts');
  return appRouter.createCaller(callerContext(unusedClickHouse, actor));
}

async function code(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  return err === null ? 'ok' : err instanceof TRPCError ? err.code : `non-trpc ${String(err)}`;
}

const rule = {
  name: 'lag',
  title: 'Consumer lag above a minute',
  query: { kind: 'signal', signal: { kind: 'consumer_lag' } },
  condition: { kind: 'threshold', op: 'above', threshold: 60, recovery: 30 },
};
const hook = {
  kind: 'webhook',
  name: 'pager',
  url: 'https://hooks.example.test/services/very-secret-path',
  headers: { Authorization: 'Bearer top-secret' },
};

describe('alerts router', () => {
  it('lets a viewer read but not write anything', async () => {
    const viewer = await api(userActor('viewer'));
    expect(await viewer.alerts.rules.list()).toEqual([]);
    expect(await viewer.alerts.active()).toEqual([]);
    expect(await viewer.alerts.history()).toEqual([]);
    expect(await code(viewer.alerts.rules.create({ rule }))).toBe('FORBIDDEN');
    expect(
      await code(
        viewer.alerts.silences.create({
          silence: {
            matchers: [{ name: 'alertname', op: '=', value: 'lag' }],
            startsAt: Date.now(),
            end: { kind: 'until_resolved' },
            comment: 'maintenance',
          },
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(await code(viewer.alerts.receivers.create({ receiver: hook }))).toBe('FORBIDDEN');
    expect(await code(viewer.alerts.routing.replace({ revision: 0, policy: { receiver: 'pager' } }))).toBe(
      'FORBIDDEN',
    );
    expect(await db.auditLog.count({ where: { entity: { startsWith: 'alert_' } } })).toBe(0);
  });

  it('lets an operator write rules and silences but leaves receivers and routing to admins', async () => {
    const operatorActor = userActor('operator');
    const operator = await api(operatorActor);
    const created = await operator.alerts.rules.create({ rule });
    expect(created).toMatchObject({ name: 'lag', revision: 1, createdBy: 'user:operator@test.example' });
    const invalid = await operator.alerts.rules
      .update({ name: 'lag', revision: 1, rule: { ...rule, intervalSeconds: 5 } })
      .then(
        () => null,
        (e: unknown) => e as TRPCError,
      );
    expect(invalid?.code).toBe('BAD_REQUEST');
    expect(invalid?.message).toMatch(/intervalSeconds: the interval is at least 10 s/);
    expect(await code(operator.alerts.rules.update({ name: 'lag', revision: 7, rule }))).toBe('CONFLICT');

    const silence = await operator.alerts.silences.create({
      silence: {
        matchers: [{ name: 'alertname', op: '=', value: 'lag' }],
        startsAt: Date.now(),
        end: { kind: 'until_resolved' },
        comment: 'broker upgrade',
      },
    });
    expect(silence.createdBy).toBe('user:operator@test.example');
    expect((await operator.alerts.silences.expire({ id: silence.id })).endedAt).not.toBeNull();

    expect(await code(operator.alerts.receivers.create({ receiver: hook }))).toBe('FORBIDDEN');
    expect(await code(operator.alerts.routing.replace({ revision: 0, policy: { receiver: 'pager' } }))).toBe(
      'FORBIDDEN',
    );
    expect(
      await code(operator.alerts.muteTimings.create({ muteTiming: { name: 'n', intervals: [{}] } })),
    ).toBe('FORBIDDEN');
    const actions = await db.auditLog.findMany({ where: { actor: 'user:operator@test.example' } });
    expect(actions.map((a) => a.action).sort()).toEqual([
      'alert_rule.create',
      'alert_silence.create',
      'alert_silence.expire',
    ]);
    expect(actions.every((a) => a.requestId !== null)).toBe(true);
  });

  it('shows receiver secrets to admins only', async () => {
    const admin = await api(userActor('admin'));
    const created = await admin.alerts.receivers.create({ receiver: hook });
    expect(created.receiver).toMatchObject({ url: hook.url });
    await admin.alerts.routing.replace({ revision: 0, policy: { receiver: 'pager' } });
    expect((await admin.alerts.receivers.get({ name: 'pager' })).receiver).toMatchObject({
      url: hook.url,
      headers: hook.headers,
    });

    for (const actor of [userActor('viewer'), userActor('operator'), keyActor(['alerts:write'])]) {
      const caller = await api(actor);
      const listed = await caller.alerts.receivers.list();
      expect(listed).toHaveLength(1);
      expect(listed[0]?.masked).toBe(true);
      const one = await caller.alerts.receivers.get({ name: 'pager' });
      expect(JSON.stringify([listed, one])).not.toMatch(/secret/);
      expect(one.receiver).toMatchObject({ url: 'https://hooks.example.test/••••••' });
    }
    expect((await (await api(keyActor(['admin']))).alerts.receivers.list())[0]?.masked).toBe(false);

    // Routing uses it: deleting it is refused, naming the route.
    const refused = await admin.alerts.receivers.delete({ name: 'pager' }).then(
      () => null,
      (e: unknown) => e as TRPCError,
    );
    expect(refused?.code).toBe('CONFLICT');
    expect(refused?.message).toMatch(/used by routing: the root route/);
  });
});
