// Per-dashboard access through the console's router and the management API, against a real
// Postgres: a dashboard narrowed to some roles is hidden from the list, refused to open, to
// change and to share for everyone else (its creator and admins always may), and every change
// of who may is audited. Unnarrowed dashboards behave as before.
import { createClickHouse, type QueryTarget } from '@tributary/clickhouse';
import { createDb, issueApiKey, type Db } from '@tributary/db';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, setConsoleEnv, type Isolated } from '../../../../../scripts/test-infra/fixtures.ts';
import type { Actor } from '../auth/actor.ts';
import { userActor } from '../auth/test-actors.ts';

let iso: Isolated;
let db: Db;
let target: QueryTarget;
// NOTE: test actors are named by role; the creator needs a name of its own.
const owner: Actor = { ...userActor('operator'), name: 'owner@test.example' } as Actor;
const schemaOwner = userActor('schema_owner');
const otherOperator = userActor('operator');
const viewer = userActor('viewer');
const admin = userActor('admin');

const definition = {
  panels: [
    {
      id: 'n',
      title: 'Events',
      viz: 'stat',
      query: { source: { kind: 'events' }, measure: { fn: 'count' } },
      layout: { x: 0, y: 0, w: 3, h: 2 },
    },
  ],
};

beforeAll(async () => {
  iso = await isolate();
  db = createDb(iso.databaseUrl);
  target = { client: createClickHouse({ url: iso.clickhouseUrl }), database: iso.clickhouseDatabase };
  setConsoleEnv(iso);
});

afterAll(async () => {
  const { getDb } = await import('../db.ts');
  await getDb().$disconnect();
  await target?.client.close();
  await db?.$disconnect();
  await iso?.cleanup();
});

async function as(actor: Actor) {
  const { appRouter } = await import('../routers/index.ts');
  const { callerContext } = await import('../trpc.ts');
  return appRouter.createCaller(callerContext(target, actor));
}

async function code(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  return err instanceof TRPCError ? err.code : `no error (${String(err)})`;
}

describe('per-dashboard access', () => {
  it('narrows who may open and change a dashboard, its creator and admins always excepted', async () => {
    const created = await (
      await as(owner)
    ).dashboards.create({ slug: 'finance', title: 'Finance', definition });
    expect(created.access).toEqual({ viewRoles: [], editRoles: [] });
    // Unnarrowed: every reader opens it, every writer changes it.
    expect((await (await as(viewer)).dashboards.get({ slug: 'finance' })).title).toBe('Finance');
    const renamed = await (
      await as(otherOperator)
    ).dashboards.update({
      slug: 'finance',
      revision: 1,
      title: 'Finance (ops)',
    });

    // A viewer cannot narrow it (no dashboards:write); its creator can.
    expect(
      await code(
        (await as(viewer)).dashboards.setAccess({
          slug: 'finance',
          revision: 2,
          viewRoles: ['viewer'],
          editRoles: [],
        }),
      ),
    ).toBe('FORBIDDEN');
    const narrowed = await (
      await as(owner)
    ).dashboards.setAccess({
      slug: 'finance',
      revision: renamed.revision,
      viewRoles: ['schema_owner'],
      editRoles: ['schema_owner'],
    });
    expect(narrowed).toEqual({ viewRoles: ['schema_owner'], editRoles: ['schema_owner'], revision: 3 });

    const listed = async (actor: Actor) => (await (await as(actor)).dashboards.list()).map((d) => d.slug);
    expect(await listed(viewer)).toEqual([]);
    expect(await listed(otherOperator)).toEqual([]);
    expect(await listed(schemaOwner)).toEqual(['finance']);
    expect(await listed(owner)).toEqual(['finance']);
    expect(await listed(admin)).toEqual(['finance']);

    const v = await as(viewer);
    expect(await code(v.dashboards.get({ slug: 'finance' }))).toBe('FORBIDDEN');
    expect(await code(v.dashboards.panel({ slug: 'finance', panelId: 'n' }))).toBe('FORBIDDEN');
    const op = await as(otherOperator);
    expect(await code(op.dashboards.update({ slug: 'finance', revision: 3, title: 'x' }))).toBe('FORBIDDEN');
    expect(await code(op.dashboards.share({ slug: 'finance' }))).toBe('FORBIDDEN');
    expect(await code(op.dashboards.delete({ slug: 'finance' }))).toBe('FORBIDDEN');
    const message = await op.dashboards.get({ slug: 'finance' }).catch((e: Error) => e.message);
    expect(message).toMatch(/open to schema_owner only/);

    // The named role, the creator and an admin may all change it.
    const so = await as(schemaOwner);
    const share = await so.dashboards.share({ slug: 'finance' });
    expect(await code(op.dashboards.revokeShare({ id: share.id }))).toBe('FORBIDDEN');
    await so.dashboards.revokeShare({ id: share.id });
    await (await as(owner)).dashboards.update({ slug: 'finance', revision: 3, title: 'Finance' });
    await (await as(admin)).dashboards.update({ slug: 'finance', revision: 4, title: 'Finance!' });

    const audit = await db.auditLog.findMany({ where: { action: 'dashboard.access' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: `user:${owner.kind === 'user' ? owner.name : ''}` });
    expect(audit[0]!.after).toMatchObject({ viewRoles: ['schema_owner'], editRoles: ['schema_owner'] });
  });

  it('tells the page whether the caller may change it, so it offers only what works', async () => {
    const d = await (await as(owner)).dashboards.create({ slug: 'board', title: 'Board', definition });
    await (
      await as(owner)
    ).dashboards.setAccess({
      slug: 'board',
      revision: d.revision,
      viewRoles: [],
      editRoles: ['admin'],
    });
    expect((await (await as(otherOperator)).dashboards.get({ slug: 'board' })).canEdit).toBe(false);
    expect((await (await as(viewer)).dashboards.get({ slug: 'board' })).canEdit).toBe(false);
    expect((await (await as(owner)).dashboards.get({ slug: 'board' })).canEdit).toBe(true);
    expect((await (await as(admin)).dashboards.get({ slug: 'board' })).canEdit).toBe(true);
  });

  it('refuses unknown roles with a plain message', async () => {
    await (await as(owner)).dashboards.create({ slug: 'ops', title: 'Ops', definition });
    const err = await (await as(owner)).dashboards
      .setAccess({ slug: 'ops', revision: 1, viewRoles: ['everyone'], editRoles: [] })
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).message).toMatch(/dashboard access refused.*viewRoles/s);
  });

  it('applies to API keys too: only an admin key opens a narrowed dashboard', async () => {
    const routes = {
      list: await import('../../app/api/v1/dashboards/route.ts'),
      one: await import('../../app/api/v1/dashboards/[slug]/route.ts'),
    };
    const writer = (await issueApiKey(db, { name: 'dash-writer', scopes: ['dashboards:write'] })).key;
    const adminKey = (await issueApiKey(db, { name: 'dash-admin', scopes: ['admin'] })).key;
    const get = (key: string) =>
      routes.one.GET(
        new Request('http://127.0.0.1:3000/api/v1/dashboards/finance', {
          headers: { authorization: `Bearer ${key}` },
        }),
        { params: Promise.resolve({ slug: 'finance' }) },
      );
    expect((await get(writer)).status).toBe(403);
    expect((await get(adminKey)).status).toBe(200);
    const list = await routes.list.GET(
      new Request('http://127.0.0.1:3000/api/v1/dashboards', {
        headers: { authorization: `Bearer ${writer}` },
      }),
    );
    expect(((await list.json()) as { items: { slug: string }[] }).items.map((d) => d.slug)).toEqual([
      'board',
      'ops',
    ]);
  });
});
