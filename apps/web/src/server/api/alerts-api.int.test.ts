// /api/v1/alerts called as Next calls the routes (exported GET/PUT/DELETE with a Request),
// against a real Postgres database of this file's own: rules kept as code, with the key's scopes
// and the same validation and audit as the console.
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
  list: { GET: (req: Request) => Promise<Response> };
  one: { GET: Handler; PUT: Handler; DELETE: Handler };
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
    list: await import('../../app/api/v1/alerts/route.ts'),
    one: await import('../../app/api/v1/alerts/[name]/route.ts'),
  } as unknown as Routes;
  writer = (await issueApiKey(db, { name: 'alerts-ci', scopes: ['alerts:write'] })).key;
  reader = (await issueApiKey(db, { name: 'alerts-reader', scopes: ['schemas:read'] })).key;
});

afterAll(async () => {
  const { getDb } = await import('../db.ts');
  await getDb().$disconnect();
  await db?.$disconnect();
  await testDb?.drop();
});

function req(
  method: string,
  path: string,
  key: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return new Request(`http://127.0.0.1:3000/api/v1/alerts${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
const params = (name: string) => ({ params: Promise.resolve({ name }) });

const rule = {
  title: 'Demo source silent for 10 minutes',
  query: { kind: 'signal', signal: { kind: 'source_silence', sources: ['demo'], minutes: 10 } },
  condition: { kind: 'threshold', op: 'below', threshold: 1 },
};

describe('/api/v1/alerts', () => {
  it('creates a rule by PUT, lists and reads it, replaces it, audited as the key', async () => {
    const created = await routes.one.PUT(req('PUT', '/demo-silent', writer, rule), params('demo-silent'));
    expect(created.status, await created.clone().text()).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(await created.json()).toMatchObject({
      name: 'demo-silent',
      revision: 1,
      createdBy: 'api_key:alerts-ci',
      rule: { name: 'demo-silent', intervalSeconds: 60, pendingSeconds: 0 },
    });

    const list = await routes.list.GET(req('GET', '', reader));
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: unknown[] }).items).toEqual([
      expect.objectContaining({ name: 'demo-silent', revision: 1, enabled: true }),
    ]);

    // Applying the same file again replaces it; a stale If-Match is a conflict.
    const again = await routes.one.PUT(
      req('PUT', '/demo-silent', writer, { ...rule, pendingSeconds: 600 }),
      params('demo-silent'),
    );
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ revision: 2, rule: { pendingSeconds: 600 } });
    const stale = await routes.one.PUT(
      req('PUT', '/demo-silent', writer, rule, { 'if-match': '"1"' }),
      params('demo-silent'),
    );
    expect(stale.status).toBe(409);
    const createOnly = await routes.one.PUT(
      req('PUT', '/demo-silent', writer, rule, { 'if-match': '"0"' }),
      params('demo-silent'),
    );
    expect(createOnly.status).toBe(409);

    const one = await routes.one.GET(req('GET', '/demo-silent', reader), params('demo-silent'));
    expect(one.status).toBe(200);
    expect(one.headers.get('etag')).toBe('"2"');

    const audit = await db.auditLog.findMany({ where: { entity: 'alert_rule' }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['alert_rule.create', 'api_key:alerts-ci'],
      ['alert_rule.update', 'api_key:alerts-ci'],
    ]);
    expect(audit.every((a) => a.requestId !== null)).toBe(true);
  });

  it('refuses an invalid rule with a 400 naming the field, and stores nothing', async () => {
    const res = await routes.one.PUT(
      req('PUT', '/bad', writer, { ...rule, windowSeconds: 30 }),
      params('bad'),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: { code: string; message: string; details: { errors: { path: string; message: string }[] } };
    };
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toMatch(/windowSeconds: the window is at least 60 s/);
    expect(body.error.details.errors).toEqual([
      { path: 'windowSeconds', message: 'the window is at least 60 s' },
    ]);

    const mismatch = await routes.one.PUT(
      req('PUT', '/bad', writer, { ...rule, name: 'other' }),
      params('bad'),
    );
    expect(mismatch.status).toBe(400);
    expect(((await mismatch.json()) as { error: { message: string } }).error.message).toMatch(
      /^alert rule refused: name:/,
    );
    expect(await db.alertRule.count({ where: { name: { in: ['bad', 'other'] } } })).toBe(0);
  });

  it('needs alerts:write to change and a key to read, and deletes by name', async () => {
    const forbidden = await routes.one.PUT(req('PUT', '/x', reader, rule), params('x'));
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { message: string } }).error.message).toMatch(
      /alerts:write/,
    );
    const anonymous = await routes.list.GET(new Request('http://127.0.0.1:3000/api/v1/alerts'));
    expect(anonymous.status).toBe(401);

    expect(
      (await routes.one.DELETE(req('DELETE', '/demo-silent', reader), params('demo-silent'))).status,
    ).toBe(403);
    expect(
      (await routes.one.DELETE(req('DELETE', '/demo-silent', writer), params('demo-silent'))).status,
    ).toBe(204);
    expect((await routes.one.GET(req('GET', '/demo-silent', reader), params('demo-silent'))).status).toBe(
      404,
    );
    expect(
      (await routes.one.DELETE(req('DELETE', '/demo-silent', writer), params('demo-silent'))).status,
    ).toBe(404);
  });
});
