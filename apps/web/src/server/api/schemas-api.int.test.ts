// The management API's schema routes, called as Next calls them (exported GET/POST with a
// Request), against a real Postgres database of this file's own.
import {
  createDb,
  createTestDatabase,
  databaseUrlFromEnv,
  issueApiKey,
  type Db,
  type TestDatabase,
} from '@tributary/db';
import { testCompatibility } from '@tributary/registry';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { topicSpecs } from '@tributary/contracts';
import { createAdmin } from '@tributary/kafka';
import '../../../../../scripts/test-infra/provided-context.ts';

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
interface Routes {
  subjects: { GET: (req: Request) => Promise<Response> };
  subject: { GET: Handler };
  versions: { GET: Handler; POST: Handler };
  version: { GET: Handler };
  compatibility: { POST: Handler };
}

let testDb: TestDatabase;
let db: Db;
let routes: Routes;
let adminKey: string;
let readKey: string;

beforeAll(async () => {
  testDb = await createTestDatabase(databaseUrlFromEnv());
  db = createDb(testDb.url);
  // NOTE: the console's env is parsed when first imported, so the routes load only after this.
  process.env.DATABASE_URL = testDb.url;
  // Registrations publish on the control topic: this run's broker and topics, never a running stack's.
  process.env.KAFKA_BROKERS = inject('kafkaBrokers');
  process.env.TOPIC_PREFIX = `itapi${Date.now().toString(36)}.`;
  const admin = createAdmin({ brokers: inject('kafkaBrokers').split(','), clientId: 'it-schemas-api' });
  await admin.ensureTopics(topicSpecs(process.env.TOPIC_PREFIX));
  await admin.close();
  routes = {
    subjects: await import('../../app/api/v1/schemas/route.ts'),
    subject: await import('../../app/api/v1/schemas/[subject]/route.ts'),
    versions: await import('../../app/api/v1/schemas/[subject]/versions/route.ts'),
    version: await import('../../app/api/v1/schemas/[subject]/versions/[version]/route.ts'),
    compatibility: await import('../../app/api/v1/schemas/[subject]/compatibility/route.ts'),
  } as unknown as Routes;
  adminKey = (await issueApiKey(db, { name: 'ci', scopes: ['admin'] })).key;
  readKey = (await issueApiKey(db, { name: 'reader', scopes: ['schemas:read'] })).key;
});

afterAll(async () => {
  await (await import('../control.ts')).closeControlProducer();
  const { getDb } = await import('../db.ts');
  await getDb().$disconnect();
  await db?.$disconnect();
  await testDb?.drop();
});

const base = 'http://127.0.0.1:3000/api/v1/schemas';

function req(
  path: string,
  opts: { method?: string; key?: string | null; body?: unknown; raw?: string; type?: string } = {},
) {
  const headers: Record<string, string> = {
    'user-agent': 'schemas-api-test',
    'x-forwarded-for': '203.0.113.9, 10.0.0.1',
  };
  if (opts.key !== null) headers.authorization = `Bearer ${opts.key ?? adminKey}`;
  const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  if (body !== undefined) headers['content-type'] = opts.type ?? 'application/json';
  return new Request(`${base}${path}`, { method: opts.method ?? (body ? 'POST' : 'GET'), headers, body });
}

const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });

// Response bodies are asserted field by field; a loose type keeps that readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

async function call(res: Promise<Response>): Promise<[number, Body]> {
  const r = await res;
  return [r.status, await r.json()];
}

const v1 = {
  type: 'object',
  properties: { id: { type: 'string' } },
  required: ['id'],
  additionalProperties: false,
};
const v2 = {
  type: 'object',
  properties: { id: { type: 'string' }, note: { type: 'string' } },
  required: ['id'],
  additionalProperties: false,
};
const breaking = { ...v2, required: ['id', 'note'] };

describe('authentication', () => {
  it('answers 401 without a key or with an unknown one, 403 for a read-only key writing', async () => {
    const [s1, b1] = await call(routes.subjects.GET(req('', { key: null })));
    expect([s1, b1.error.code]).toEqual([401, 'unauthorized']);
    const unknown = await routes.versions.GET(
      req('/x/versions', { key: 'trb_ak_nope' }),
      ctx({ subject: 'x' }),
    );
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const [s3, b3] = await call(
      routes.versions.POST(req('/x/versions', { key: readKey, body: { schema: v1 } }), ctx({ subject: 'x' })),
    );
    expect([s3, b3.error.code]).toEqual([403, 'forbidden']);
    const [s4] = await call(routes.subjects.GET(req('', { key: readKey })));
    expect(s4).toBe(200);
  });
});

describe('register and read', () => {
  it('registers (201), repeats idempotently (200), and reads versions back', async () => {
    const p = ctx({ subject: 'order' });
    const [s1, b1] = await call(
      routes.versions.POST(
        req('/order/versions', {
          body: { schema: v1, examples: [{ id: 'a' }], fieldTags: { '/id': ['key'] } },
        }),
        p,
      ),
    );
    expect(s1).toBe(201);
    expect(b1).toMatchObject({
      subject: 'order',
      version: 1,
      status: 'active',
      createdBy: 'api_key:ci',
      schema: v1,
    });
    expect(typeof b1.createdAt).toBe('string');
    const [s2, b2] = await call(routes.versions.POST(req('/order/versions', { body: { schema: v1 } }), p));
    expect([s2, b2.version]).toEqual([200, 1]);
    const [s3, b3] = await call(routes.versions.POST(req('/order/versions', { body: { schema: v2 } }), p));
    expect([s3, b3.version]).toEqual([201, 2]);

    const [s4, b4] = await call(routes.versions.GET(req('/order/versions'), p));
    expect(s4).toBe(200);
    expect(b4.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const [s5, b5] = await call(
      routes.version.GET(req('/order/versions/latest'), ctx({ subject: 'order', version: 'latest' })),
    );
    expect([s5, b5.version, b5.schema]).toEqual([200, 2, v2]);
    const [s6, b6] = await call(
      routes.version.GET(req('/order/versions/1'), ctx({ subject: 'order', version: '1' })),
    );
    expect([s6, b6.version]).toEqual([200, 1]);
    const [s7, b7] = await call(routes.subject.GET(req('/order'), p));
    expect([s7, b7.latestVersion, b7.compatibility]).toEqual([200, 2, 'BACKWARD']);
    const [, b8] = await call(routes.subjects.GET(req('')));
    expect(b8.subjects.map((s: { name: string }) => s.name)).toEqual(['order']);

    const audit = await db.auditLog.findMany({ where: { actor: 'api_key:ci' } });
    expect(audit.map((a) => a.action).sort()).toEqual([
      'schema_version.register',
      'schema_version.register',
      'subject.create',
    ]);
    // Each row names the key and the request it came in: first forwarded hop, agent, a request id.
    for (const a of audit) {
      expect(a).toMatchObject({ actorKind: 'key', ip: '203.0.113.9', userAgent: 'schemas-api-test' });
      expect(a.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('answers 409 with reasons for an incompatible schema, and 404 for unknown subjects and versions', async () => {
    const [s1, b1] = await call(
      routes.versions.POST(req('/order/versions', { body: { schema: breaking } }), ctx({ subject: 'order' })),
    );
    expect(s1).toBe(409);
    expect(b1.error.code).toBe('conflict');
    expect(b1.error.details.reasons.length).toBeGreaterThan(0);
    expect(await db.schemaVersion.count()).toBe(2);

    const [s2, b2] = await call(routes.versions.GET(req('/nope/versions'), ctx({ subject: 'nope' })));
    expect([s2, b2.error.code]).toEqual([404, 'not_found']);
    const [s3] = await call(
      routes.version.GET(req('/order/versions/9'), ctx({ subject: 'order', version: '9' })),
    );
    expect(s3).toBe(404);
    const [s4] = await call(
      routes.version.GET(req('/nope/versions/latest'), ctx({ subject: 'nope', version: 'latest' })),
    );
    expect(s4).toBe(404);
  });

  it('answers 400 for bad input, 413 for an oversized schema, 415 for a non-JSON body', async () => {
    const bad: [Request, Record<string, string>, number, RegExp][] = [
      [req('/order/versions', { raw: '{"schema": ' }), { subject: 'order' }, 400, /not valid JSON/],
      [req('/order/versions', { body: { nope: v1 } }), { subject: 'order' }, 400, /body must be/],
      [req('/order/versions', { body: { schema: 'x' } }), { subject: 'order' }, 400, /got a string/],
      [
        req('/order/versions', { body: { schema: { type: 7 } } }),
        { subject: 'order' },
        400,
        /not a valid JSON Schema/,
      ],
      [
        req('/bad%20name/versions', { body: { schema: v1 } }),
        { subject: 'bad name' },
        400,
        /not a valid name/,
      ],
      [
        req('/order/versions', { body: { schema: { ...v2, description: 'x'.repeat(300_000) } } }),
        { subject: 'order' },
        413,
        /limit is 262144 bytes/,
      ],
      [req('/order/versions', { raw: 'x'.repeat(700_000) }), { subject: 'order' }, 413, /larger than/],
      [
        req('/order/versions', { raw: 'schema=1', type: 'text/plain' }),
        { subject: 'order' },
        415,
        /send JSON/,
      ],
    ];
    for (const [request, params, status, message] of bad) {
      const [s, b] = await call(routes.versions.POST(request, ctx(params)));
      expect([s, b.error.message]).toEqual([status, expect.stringMatching(message)]);
    }
    const [s, b] = await call(
      routes.version.GET(req('/order/versions/first'), ctx({ subject: 'order', version: 'first' })),
    );
    expect([s, b.error.code]).toEqual([400, 'bad_request']);
  });
});

describe('compatibility endpoint', () => {
  it("gives testCompatibility's verdict, and writes nothing", async () => {
    for (const schema of [v2, breaking, v1, { ...v2, properties: { id: { type: 'number' } } }]) {
      const [status, body] = await call(
        routes.compatibility.POST(
          req('/order/compatibility', { body: { schema } }),
          ctx({ subject: 'order' }),
        ),
      );
      expect(status).toBe(200);
      expect(body).toEqual(JSON.parse(JSON.stringify(await testCompatibility(db, 'order', schema))));
    }
    const [, incompatible] = await call(
      routes.compatibility.POST(
        req('/order/compatibility', { body: { schema: breaking } }),
        ctx({ subject: 'order' }),
      ),
    );
    expect(incompatible.compatible).toBe(false);
    expect(incompatible.reasons[0]).toMatchObject({
      direction: expect.any(String),
      message: expect.any(String),
    });
    const [, fresh] = await call(
      routes.compatibility.POST(
        req('/fresh/compatibility', { body: { schema: breaking } }),
        ctx({ subject: 'fresh' }),
      ),
    );
    expect(fresh).toEqual({ compatible: true, reasons: [], checkedVersions: [] });
    expect(await db.schemaVersion.count()).toBe(2);
    expect(await db.subject.count()).toBe(1);
  });
});
