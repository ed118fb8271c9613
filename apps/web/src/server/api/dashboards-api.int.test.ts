// /api/v1/dashboards called as Next calls the routes (exported GET/POST/PUT with a Request),
// against a real Postgres database of this file's own: kept as code, with the key's scopes and
// the same validation and audit as the console.
import {
  createDb,
  createTestDatabase,
  databaseUrlFromEnv,
  issueApiKey,
  type Db,
  type TestDatabase,
} from '@tributary/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
interface Routes {
  list: { GET: (req: Request) => Promise<Response>; POST: (req: Request) => Promise<Response> };
  one: { GET: Handler; PUT: Handler };
}

let testDb: TestDatabase;
let db: Db;
let routes: Routes;
let writer: string;
let reader: string;

beforeAll(async () => {
  testDb = await createTestDatabase(databaseUrlFromEnv());
  db = createDb(testDb.url);
  // NOTE: the console's env is parsed when first imported, so the routes load only after this.
  process.env.DATABASE_URL = testDb.url;
  routes = {
    list: await import('../../app/api/v1/dashboards/route.ts'),
    one: await import('../../app/api/v1/dashboards/[slug]/route.ts'),
  } as unknown as Routes;
  writer = (await issueApiKey(db, { name: 'dash-ci', scopes: ['dashboards:write'] })).key;
  reader = (await issueApiKey(db, { name: 'dash-reader', scopes: ['schemas:read'] })).key;
});

afterAll(async () => {
  const { getDb } = await import('../db.ts');
  await getDb().$disconnect();
  await db?.$disconnect();
  await testDb?.drop();
});

function req(method: string, path: string, key: string, body?: unknown): Request {
  return new Request(`http://127.0.0.1:3000/api/v1/dashboards${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
const params = (slug: string) => ({ params: Promise.resolve({ slug }) });

const definition = {
  panels: [
    {
      id: 'signups',
      title: 'Sign-ups',
      viz: 'stat',
      query: { source: { kind: 'events', eventTypes: ['user_signup'] }, measure: { fn: 'count' } },
      layout: { x: 0, y: 0, w: 3, h: 2 },
    },
  ],
};

describe('/api/v1/dashboards', () => {
  it('creates, lists, reads and updates a dashboard, audited as the key', async () => {
    const created = await routes.list.POST(
      req('POST', '', writer, { slug: 'growth', title: 'Growth', definition }),
    );
    expect(created.status, await created.clone().text()).toBe(201);
    expect(await created.json()).toMatchObject({ slug: 'growth', revision: 1, createdBy: 'api_key:dash-ci' });

    const list = await routes.list.GET(req('GET', '', reader));
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: unknown[] }).items).toEqual([
      expect.objectContaining({ slug: 'growth', panels: 1 }),
    ]);

    const put = await routes.one.PUT(
      req('PUT', '/growth', writer, { revision: 1, title: 'Growth funnel' }),
      params('growth'),
    );
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ title: 'Growth funnel', revision: 2 });
    const stale = await routes.one.PUT(
      req('PUT', '/growth', writer, { revision: 1, title: 'x' }),
      params('growth'),
    );
    expect(stale.status).toBe(409);

    const got = await routes.one.GET(req('GET', '/growth', reader), params('growth'));
    expect(((await got.json()) as { title: string }).title).toBe('Growth funnel');
    const audit = await db.auditLog.findMany({ where: { entity: 'dashboard' }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['dashboard.create', 'api_key:dash-ci'],
      ['dashboard.update', 'api_key:dash-ci'],
    ]);
  });

  it('refuses a key without dashboards:write, a bad definition and an unknown dashboard', async () => {
    const denied = await routes.list.POST(req('POST', '', reader, { slug: 'x', title: 'X', definition }));
    expect(denied.status).toBe(403);
    const bad = await routes.list.POST(
      req('POST', '', writer, {
        slug: 'x',
        title: 'X',
        definition: { panels: [{ ...definition.panels[0], viz: 'gauge' }] },
      }),
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/panels\.0\.viz/);
    const missing = await routes.one.GET(req('GET', '/nope', reader), params('nope'));
    expect(missing.status).toBe(404);
    expect(await db.dashboard.count({ where: { slug: 'x' } })).toBe(0);
  });

  it('refuses a raw SQL panel from a key without dashboards:sql, stored nowhere, as the console does', async () => {
    const sqlPanel = {
      id: 'raw',
      title: 'Raw',
      viz: 'table',
      sql: 'SELECT count() AS v FROM events',
      layout: { x: 0, y: 0, w: 3, h: 2 },
    };
    const created = await routes.list.POST(
      req('POST', '', writer, { slug: 'sqlish', title: 'SQL', definition: { panels: [sqlPanel] } }),
    );
    expect(created.status, await created.clone().text()).toBe(403);
    expect(((await created.json()) as { error: { message: string } }).error.message).toMatch(
      /dashboards:sql/,
    );
    const put = await routes.one.PUT(
      req('PUT', '/growth', writer, { revision: 2, definition: { panels: [sqlPanel] } }),
      params('growth'),
    );
    expect(put.status).toBe(403);
    expect(await db.dashboard.count({ where: { slug: 'sqlish' } })).toBe(0);
    expect((await db.dashboard.findUniqueOrThrow({ where: { slug: 'growth' } })).revision).toBe(2);
  });
});
