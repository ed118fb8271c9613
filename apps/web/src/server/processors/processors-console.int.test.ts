// The processors router and /api/v1/processors as the console and a CI job call them, against a
// real Postgres, ClickHouse and Redis isolated for this file: who may do what, refusals that say
// why (and store nothing), audit rows carrying the request, pii masked in the preview, and what
// each worker runs read from the workers' Redis keys.
import { createClickHouse, insertRows, toDateTime64 } from '@tributary/clickhouse';
import { createDb, issueApiKey, type Db } from '@tributary/db';
import { registerVersion } from '@tributary/registry';
import { TRPCError } from '@trpc/server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../../../../../scripts/test-infra/fixtures.ts';
import type { Actor } from '../auth/actor.ts';
import { userActor } from '../auth/test-actors.ts';

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
interface Routes {
  root: { GET: (req: Request) => Promise<Response>; POST: (req: Request) => Promise<Response> };
  preview: { POST: (req: Request) => Promise<Response> };
  one: { GET: Handler };
  versions: { POST: Handler };
  publish: { POST: Handler };
  pause: { POST: Handler };
  resume: { POST: Handler };
  rollback: { POST: Handler };
}

let iso: Isolated;
let db: Db;
let ch: ReturnType<typeof createClickHouse>;
let redis: Redis;
let routes: Routes;
let readKey: string;
let writeKey: string;
const TYPE = 'web_it.signup';
const REQUEST = { ip: '198.51.100.7', userAgent: 'processors-test/1', requestId: 'req-processors-1' };

beforeAll(async () => {
  iso = await isolate();
  db = createDb(iso.databaseUrl);
  ch = createClickHouse({ url: iso.clickhouseUrl });
  redis = new Redis(iso.redisUrl);
  await registerVersion(
    db,
    TYPE,
    { type: 'object', properties: { plan: { type: 'string' }, email: { type: 'string' } } },
    { actor: 'it', fieldTags: { '/email': ['pii'] } },
  );
  // NOTE: the console's env is parsed when first imported, so routes and routers load after this.
  process.env.DATABASE_URL = iso.databaseUrl;
  process.env.CLICKHOUSE_URL = iso.clickhouseUrl;
  process.env.CLICKHOUSE_DATABASE = iso.clickhouseDatabase;
  process.env.KAFKA_BROKERS = iso.brokers;
  process.env.TOPIC_PREFIX = iso.topicPrefix;
  process.env.REDIS_URL = iso.redisUrl;
  process.env.REDIS_PREFIX = iso.redisPrefix;
  process.env.PII_HASH_SECRET = 'web-it-secret-0123456789abcdef0123456789';
  const base = '../../app/api/v1/processors';
  routes = {
    root: await import(`${base}/route.ts`),
    preview: await import(`${base}/preview/route.ts`),
    one: await import(`${base}/[name]/route.ts`),
    versions: await import(`${base}/[name]/versions/route.ts`),
    publish: await import(`${base}/[name]/publish/route.ts`),
    pause: await import(`${base}/[name]/pause/route.ts`),
    resume: await import(`${base}/[name]/resume/route.ts`),
    rollback: await import(`${base}/[name]/rollback/route.ts`),
  } as unknown as Routes;
  readKey = (await issueApiKey(db, { name: 'reader', scopes: ['schemas:read'] })).key;
  writeKey = (await issueApiKey(db, { name: 'ci', scopes: ['processors:write'] })).key;
  const now = Date.now();
  await insertRows(
    ch,
    `${iso.clickhouseDatabase}.events`,
    Array.from({ length: 12 }, (_, i) => ({
      event_id: `s-${i}`,
      event_type: TYPE,
      timestamp: toDateTime64(now - (12 - i) * 1000),
      user_id: null,
      data: { plan: i % 2 === 0 ? 'pro' : 'free', email: `signup${i}@example.test` },
      metadata: {},
      source: 'demo',
      schema_version: 1,
      received_at: toDateTime64(now - (12 - i) * 1000),
      processed_at: toDateTime64(now - (12 - i) * 1000),
    })),
  );
});

afterAll(async () => {
  await (await import('../redis.ts')).closeRedis();
  await (await import('../control.ts')).closeControlProducer();
  await (await import('../db.ts')).getDb().$disconnect();
  await redis?.quit();
  await ch?.close();
  await db?.$disconnect();
  await iso?.cleanup();
});

async function caller(actor: Actor) {
  const { appRouter } = await import('../routers/index.ts');
  const { callerContext } = await import('../trpc.ts');
  return appRouter.createCaller(
    callerContext({ client: ch, database: iso.clickhouseDatabase }, actor, REQUEST),
  );
}

async function trpcError(p: Promise<unknown>): Promise<TRPCError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  return err as TRPCError;
}

/** The definition problems a refusal carries in its cause chain. */
function problemsOf(err: unknown): Array<{ path: string; message: string }> {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const errors = (e as { details?: { errors?: unknown } }).details?.errors;
    if (Array.isArray(errors)) return errors as Array<{ path: string; message: string }>;
  }
  return [];
}

const filterDef = (expression: string, table = 'pro_signups') => ({
  inputs: { eventTypes: [TYPE] },
  steps: [{ id: 'pro', kind: 'filter', expression }],
  output: { kind: 'table', table, columns: [{ name: 'plan', field: 'data.plan', type: 'String' }] },
});

describe('the processors router', () => {
  it('lets a schema owner create, version and publish; audit rows carry the request', async () => {
    const owner = await caller(userActor('schema_owner'));
    await owner.processors.create({ name: 'pro_signups', description: 'pro plan only' });
    const { version } = await owner.processors.createVersion({
      name: 'pro_signups',
      definition: filterDef("data.plan == 'pro'"),
      note: 'v1',
    });
    expect(version).toBe(1);
    const live = await owner.processors.publish({ name: 'pro_signups', version: 1 });
    expect(live).toMatchObject({ state: 'active', activeVersion: 1 });
    const row = await db.processor.findUniqueOrThrow({ where: { name: 'pro_signups' } });
    const audit = await db.auditLog.findFirstOrThrow({
      where: { entityId: row.id, action: 'processor.publish' },
    });
    expect(audit).toMatchObject({
      actor: 'user:schema_owner@test.example',
      ip: REQUEST.ip,
      userAgent: REQUEST.userAgent,
      requestId: REQUEST.requestId,
    });
    const listed = await owner.processors.list();
    expect(listed.find((p) => p.name === 'pro_signups')).toMatchObject({
      state: 'active',
      activeVersion: 1,
      lastVersion: 1,
    });
    expect(typeof listed[0]?.updatedAt).toBe('string');
    // Rates come from the workers' counters in pipeline_metrics (here written as a worker would).
    await insertRows(ch, `${iso.clickhouseDatabase}.pipeline_metrics`, [
      ...(['in', 'kept', 'dropped', 'dead_lettered', 'micros'] as const).map((result, i) => ({
        ts: toDateTime64(Date.now() - 10_000),
        service: 'workers',
        instance: 'w-1',
        stage: `processor:pro_signups:${result}`,
        count: [600, 450, 120, 30, 6000][i],
      })),
    ]);
    const withRates = (await owner.processors.list()).find((p) => p.name === 'pro_signups');
    expect(withRates?.rates).toEqual({
      windowSeconds: 300,
      inPerSecond: 2,
      keptPerSecond: 1.5,
      dropRate: 0.2,
      deadLetterRate: 0.05,
      microsPerEvent: 10,
    });
    expect(withRates?.ratesError).toBeNull();
    const detail = await owner.processors.get({ name: 'pro_signups' });
    expect(detail.versions.map((v) => v.note)).toEqual(['v1']);
  });

  it('refuses a viewer and an operator every change, and lets them read', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      const c = await caller(userActor(role));
      for (const call of [
        () => c.processors.create({ name: `by_${role}` }),
        () => c.processors.createVersion({ name: 'pro_signups', definition: filterDef('true'), note: '' }),
        () => c.processors.publish({ name: 'pro_signups', version: 1 }),
        () => c.processors.pause({ name: 'pro_signups' }),
        () => c.processors.resume({ name: 'pro_signups' }),
        () => c.processors.rollback({ name: 'pro_signups', version: 1 }),
        () => c.processors.lookupTables.upload({ name: 'plans', keyColumn: 'plan', csv: 'plan\npro\n' }),
      ]) {
        expect((await trpcError(call())).code).toBe('FORBIDDEN');
      }
      expect((await c.processors.list()).length).toBeGreaterThan(0);
    }
    expect(await db.processor.count({ where: { name: { startsWith: 'by_' } } })).toBe(0);
    expect((await db.processor.findUniqueOrThrow({ where: { name: 'pro_signups' } })).state).toBe('active');
  });

  it('refuses a bad definition as BAD_REQUEST with readable words and the list of problems', async () => {
    const owner = await caller(userActor('schema_owner'));
    const err = await trpcError(
      owner.processors.createVersion({
        name: 'pro_signups',
        definition: filterDef("data.plna == 'pro' &&"),
        note: '',
      }),
    );
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/has \d+ problems?: steps\[0\]\.expression: invalid expression/);
    expect(problemsOf(err)[0]?.path).toBe('steps[0].expression');
    expect((await db.processor.findUniqueOrThrow({ where: { name: 'pro_signups' } })).lastVersion).toBe(1);
    // The editor's checks: the whole draft, and one expression as it is typed.
    const checked = await owner.processors.check({ definition: filterDef("data.plna == 'pro'") });
    expect(checked.ok).toBe(false);
    expect(checked.errors[0]?.message).toMatch(/unknown field data\.plna/);
    expect(
      (await owner.processors.check({ definition: filterDef("data.plan == 'pro'"), name: 'pro_signups' })).ok,
    ).toBe(true);
    // For another (or a new) processor, the same output table is taken.
    const taken = await owner.processors.check({ definition: filterDef("data.plan == 'pro'") });
    expect(taken.errors).toEqual([
      { path: 'output.table', message: expect.stringMatching(/belongs to processor 'pro_signups'/) },
    ]);
    expect(await owner.processors.checkExpression({ expression: "data.plan == 'pro'" })).toEqual({
      ok: true,
    });
    const bad = await owner.processors.checkExpression({ expression: 'data.plan ==' });
    expect(bad.ok).toBe(false);
  });

  it('refuses a CSV with broken rows naming the lines, storing nothing', async () => {
    const owner = await caller(userActor('schema_owner'));
    const err = await trpcError(
      owner.processors.lookupTables.upload({
        name: 'plans',
        keyColumn: 'plan',
        csv: 'plan,tier\npro,gold\npro,dup\n',
      }),
    );
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/line 3/);
    expect(await owner.processors.lookupTables.list()).toEqual([]);
    const ok = await owner.processors.lookupTables.upload({
      name: 'plans',
      keyColumn: 'plan',
      csv: 'plan,tier\npro,gold\n',
    });
    expect(ok.version).toBe(1);
  });

  it('masks pii in the preview for a schema owner, reveals it to an admin (audited); a viewer may not preview', async () => {
    const definition = {
      inputs: { eventTypes: [TYPE] },
      steps: [
        {
          id: 'copy',
          kind: 'transform',
          ops: [{ op: 'set', field: 'derived.contact', expression: 'data.email' }],
        },
      ],
      output: { kind: 'events' },
    };
    const viewer = await caller(userActor('viewer'));
    expect((await trpcError(viewer.processors.preview({ definition, limit: 10 }))).code).toBe('FORBIDDEN');
    const owner = await caller(userActor('schema_owner'));
    const masked = await owner.processors.preview({ definition, limit: 10 });
    expect(masked.counts).toMatchObject({ input: 10, kept: 10 });
    expect(masked.piiMasked).toBe(true);
    expect(JSON.stringify(masked)).not.toMatch(/signup\d+@example\.test/);
    const reader = await caller(userActor('admin'));
    const shown = await reader.processors.preview({ definition, limit: 10 });
    expect(JSON.stringify(shown)).toMatch(/signup11@example\.test/);
    const reveal = await db.auditLog.findFirstOrThrow({
      where: { action: 'pii.reveal', entity: 'processor_preview' },
    });
    expect(reveal.after).toMatchObject({ paths: [`${TYPE}:data.email`] });
  });

  it("reads each worker's running versions from Redis", async () => {
    const report = {
      instance: 'w-1',
      at: new Date().toISOString(),
      processors: { pro_signups: { version: 1, since: 'x' } },
    };
    await redis.set(`${iso.redisPrefix}workers:running:w-1`, JSON.stringify(report), 'EX', 15);
    await redis.set(`${iso.redisPrefix}workers:running:broken`, 'not json', 'EX', 15);
    const viewer = await caller(userActor('viewer'));
    expect(await viewer.processors.workers()).toEqual([report]);
  });
});

const base = 'http://127.0.0.1:3000/api/v1/processors';
function req(path: string, opts: { key?: string | null; body?: unknown; method?: string } = {}) {
  const headers: Record<string, string> = {
    'user-agent': 'processors-api-test',
    'x-forwarded-for': '203.0.113.5',
  };
  if (opts.key !== null) headers.authorization = `Bearer ${opts.key ?? writeKey}`;
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  return new Request(`${base}${path}`, { method: opts.method ?? (body ? 'POST' : 'GET'), headers, body });
}
const params = (name: string) => ({ params: Promise.resolve({ name }) });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(res: Promise<Response>): Promise<[number, any]> {
  const r = await res;
  return [r.status, await r.json()];
}

describe('/api/v1/processors', () => {
  it('answers 401 without a key, 403 for a read-only key writing, 200 for reading', async () => {
    const [s1, b1] = await call(routes.root.GET(req('', { key: null })));
    expect([s1, b1.error.code]).toEqual([401, 'unauthorized']);
    const [s2, b2] = await call(
      routes.versions.POST(
        req('/x/versions', { key: readKey, body: { definition: filterDef('true') } }),
        params('x'),
      ),
    );
    expect([s2, b2.error.code]).toEqual([403, 'forbidden']);
    expect(b2.error.message).toMatch(/processors:write/);
    const [s3, b3] = await call(routes.root.GET(req('', { key: readKey })));
    expect(s3).toBe(200);
    expect(b3.items.map((p: { name: string }) => p.name)).toContain('pro_signups');
  });

  it('creates a processor with its first version, publishes, pauses, resumes and rolls back', async () => {
    const def = filterDef("data.plan == 'free'", 'free_signups');
    const [s1, b1] = await call(
      routes.versions.POST(
        req('/free_signups/versions', { body: { definition: def, note: 'ci' } }),
        params('free_signups'),
      ),
    );
    expect([s1, b1.version, b1.name]).toEqual([201, 1, 'free_signups']);
    const [s2] = await call(
      routes.versions.POST(
        req('/free_signups/versions', { body: { definition: def } }),
        params('free_signups'),
      ),
    );
    expect(s2).toBe(201);
    const [s3, b3] = await call(
      routes.publish.POST(req('/free_signups/publish', { body: { version: 2 } }), params('free_signups')),
    );
    expect([s3, b3.state, b3.activeVersion], JSON.stringify(b3)).toEqual([200, 'active', 2]);
    const [s4, b4] = await call(
      routes.pause.POST(req('/free_signups/pause', { method: 'POST' }), params('free_signups')),
    );
    expect([s4, b4.state]).toEqual([200, 'paused']);
    const [s5, b5] = await call(
      routes.resume.POST(req('/free_signups/resume', { method: 'POST' }), params('free_signups')),
    );
    expect([s5, b5.state]).toEqual([200, 'active']);
    const [s6, b6] = await call(
      routes.rollback.POST(req('/free_signups/rollback', { body: { version: 1 } }), params('free_signups')),
    );
    expect([s6, b6.activeVersion]).toEqual([200, 1]);
    const [s7, b7] = await call(
      routes.one.GET(req('/free_signups', { key: readKey }), params('free_signups')),
    );
    expect([s7, b7.versions.length, b7.activeVersion]).toEqual([200, 2, 1]);
    const row = await db.processor.findUniqueOrThrow({ where: { name: 'free_signups' } });
    const audits = await db.auditLog.findMany({ where: { entityId: row.id }, orderBy: { at: 'asc' } });
    expect(audits.map((a) => a.action)).toEqual([
      'processor.create',
      'processor.publish',
      'processor.pause',
      'processor.resume',
      'processor.rollback',
    ]);
    expect(audits.every((a) => a.actor === 'api_key:ci' && a.ip === '203.0.113.5')).toBe(true);
  });

  it('answers readable 400, 404 and 409 bodies, storing nothing on a refusal', async () => {
    const [s1, b1] = await call(
      routes.versions.POST(
        req('/never_made/versions', {
          body: {
            definition: {
              inputs: {},
              steps: [
                {
                  id: 'w',
                  kind: 'aggregate',
                  window: { type: 'tumbling', sizeSeconds: 60 },
                  measures: [{ name: 'n', fn: 'count' }],
                },
              ],
              output: { kind: 'aggregate', table: 'never_made' },
            },
          },
        }),
        params('never_made'),
      ),
    );
    expect([s1, b1.error.code]).toEqual([400, 'bad_request']);
    expect(b1.error.message).toMatch(/grace period/);
    expect(b1.error.details.errors[0].path).toBe('steps[0].graceSeconds');
    expect(await db.processor.count({ where: { name: 'never_made' } })).toBe(0);
    const [s2, b2] = await call(
      routes.publish.POST(req('/nope/publish', { body: { version: 1 } }), params('nope')),
    );
    expect([s2, b2.error.code]).toEqual([404, 'not_found']);
    const [s3, b3] = await call(
      routes.publish.POST(req('/free_signups/publish', { body: { version: 'two' } }), params('free_signups')),
    );
    expect([s3, b3.error.code]).toEqual([400, 'bad_request']);
    const [s4, b4] = await call(routes.root.POST(req('', { body: { name: 'free_signups' } })));
    expect([s4, b4.error.code]).toEqual([409, 'conflict']);
    const [s5, b5] = await call(routes.one.GET(req('/Bad-Name', { key: readKey }), params('Bad-Name')));
    expect([s5, b5.error.code]).toEqual([400, 'bad_request']);
  });

  it('previews a draft, pii masked for a key without pii:read; a read-only key may not', async () => {
    const [s0] = await call(
      routes.preview.POST(req('/preview', { key: readKey, body: { definition: filterDef('true') } })),
    );
    expect(s0).toBe(403);
    const [s, b] = await call(
      routes.preview.POST(
        req('/preview', { key: writeKey, body: { definition: filterDef("data.plan == 'pro'"), limit: 12 } }),
      ),
    );
    expect(s).toBe(200);
    expect(b.counts).toMatchObject({ input: 12, kept: 6, dropped: 6 });
    expect(b.piiMasked).toBe(true);
  });
});
