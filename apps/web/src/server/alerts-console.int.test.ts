// The Alerts page's procedures against real Postgres: active alerts carry their lineage node, the
// acknowledgement and the silence holding them; acknowledging stores who and when (audited, first
// one wins); a silence preview matches what the evaluator's labels would; the nav bar's summary
// counts per state; silences about to end while still holding firing alerts are warned about.
import { createAlertRule, evaluateRule, saveAlertEvaluation } from '@tributary/alerts';
import { createClickHouse } from '@tributary/clickhouse';
import { createDb, createTestDatabase, databaseUrlFromEnv, type Db, type TestDatabase } from '@tributary/db';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from './auth/actor.ts';
import { userActor } from './auth/test-actors.ts';

let testDb: TestDatabase;
let db: Db;
const unusedClickHouse = { client: createClickHouse({ url: 'http://127.0.0.1:1' }), database: 'none' };

async function api(actor: Actor) {
  const { appRouter } = await import('./routers/index.ts');
  const { callerContext } = await import('./trpc.ts');
  return appRouter.createCaller(callerContext(unusedClickHouse, actor));
}

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (err === null) return { code: 'ok', message: '' };
  return err instanceof TRPCError
    ? { code: err.code, message: err.message }
    : { code: 'non-trpc', message: String(err) };
}

const shopKey = JSON.stringify([['source', 'shop']]);

beforeAll(async () => {
  testDb = await createTestDatabase(databaseUrlFromEnv(), { prefix: 'tributary_alerts_console' });
  db = createDb(testDb.url);
  // NOTE: the console's env is parsed when first imported, so the router loads only after this.
  process.env.DATABASE_URL = testDb.url;

  // Ingest rejects per source, no pending period: shop and app fire at once, web stays normal.
  const { id, rule } = await createAlertRule(
    db,
    {
      name: 'rejects',
      title: 'Ingest rejects',
      query: { kind: 'signal', signal: { kind: 'ingest_rejects', groupBy: ['source'] } },
      condition: { kind: 'threshold', op: 'above', threshold: 10 },
      labels: { team: 'ingest' },
    },
    { actor: 'test' },
  );
  const t0 = Date.now() - 60_000;
  const result = evaluateRule(
    rule,
    new Map(),
    {
      kind: 'values',
      values: [
        { labels: { source: 'shop' }, value: 50 },
        { labels: { source: 'app' }, value: 20 },
        { labels: { source: 'web' }, value: 1 },
      ],
      absentIsZero: true,
    },
    t0,
  );
  await saveAlertEvaluation(db, { id, name: rule.name }, result);
});

afterAll(async () => {
  await (await import('./db.ts')).getDb().$disconnect();
  await db?.$disconnect();
  await testDb?.drop();
});

describe('alerts console', () => {
  it('lists active alerts with their labels and lineage node, and counts them for the nav bar', async () => {
    const viewer = await api(userActor('viewer'));
    const active = await viewer.alerts.active();
    expect(active.map((a) => `${JSON.stringify(a.labels)} ${a.state}`).sort()).toEqual([
      '{"source":"app"} firing',
      '{"source":"shop"} firing',
    ]);
    const shop = active.find((a) => a.labels.source === 'shop');
    expect(shop).toMatchObject({
      rule: 'rejects',
      ruleTitle: 'Ingest rejects',
      groupKey: shopKey,
      alertLabels: { alertname: 'rejects', alertstate: 'firing', source: 'shop', team: 'ingest' },
      lineageNode: 'source:shop',
      acknowledgedBy: null,
      silencedBy: null,
    });
    expect(await viewer.alerts.summary()).toEqual({ firing: 2, pending: 0, no_data: 0, error: 0 });
  });

  it('stores who acknowledged an alert, once, and refuses viewers and unknown alerts', async () => {
    const viewer = await api(userActor('viewer'));
    expect((await failure(viewer.alerts.acknowledge({ rule: 'rejects', groupKey: shopKey }))).code).toBe(
      'FORBIDDEN',
    );
    const operator = await api(userActor('operator'));
    const ack = await operator.alerts.acknowledge({ rule: 'rejects', groupKey: shopKey });
    expect(ack).toMatchObject({ rule: 'rejects', acknowledgedBy: 'user:operator@test.example' });
    // A double click gives the same acknowledgement back, and writes no second audit row.
    expect(await operator.alerts.acknowledge({ rule: 'rejects', groupKey: shopKey })).toEqual(ack);

    const admin = await api(userActor('admin'));
    const taken = await failure(admin.alerts.acknowledge({ rule: 'rejects', groupKey: shopKey }));
    expect(taken.code).toBe('CONFLICT');
    expect(taken.message).toMatch(/already acknowledged by user:operator@test\.example/);
    expect((await failure(admin.alerts.acknowledge({ rule: 'rejects', groupKey: '[]' }))).code).toBe(
      'NOT_FOUND',
    );
    expect((await failure(admin.alerts.acknowledge({ rule: 'missing', groupKey: shopKey }))).code).toBe(
      'NOT_FOUND',
    );

    const row = await db.alertInstance.findFirstOrThrow({ where: { groupKey: shopKey } });
    expect(row.acknowledgedBy).toBe('user:operator@test.example');
    expect(row.acknowledgedAt?.toISOString()).toBe(ack.acknowledgedAt);
    const audit = await db.auditLog.findMany({ where: { action: 'alert_instance.acknowledge' } });
    expect(audit.map((a) => [a.actor, a.entityId])).toEqual([['user:operator@test.example', row.id]]);
    expect(audit[0]?.requestId).not.toBeNull();

    const shown = (await viewer.alerts.active()).find((a) => a.groupKey === shopKey);
    expect(shown).toMatchObject({
      acknowledgedBy: 'user:operator@test.example',
      acknowledgedAt: ack.acknowledgedAt,
    });
    expect((await viewer.alerts.active()).find((a) => a.labels.source === 'app')?.acknowledgedBy).toBeNull();
  });

  it('previews which active alerts a silence would hold, refusing what saving would refuse', async () => {
    const viewer = await api(userActor('viewer'));
    const preview = (matchers: unknown) => viewer.alerts.silences.preview({ matchers });
    const sources = async (matchers: unknown) => (await preview(matchers)).map((a) => a.labels.source).sort();
    expect(
      await sources([
        { name: 'alertname', op: '=', value: 'rejects' },
        { name: 'source', op: '=', value: 'shop' },
      ]),
    ).toEqual(['shop']);
    // The rule's own labels take part, as they do when the jobs service matches silences.
    expect(await sources([{ name: 'team', op: '=', value: 'ingest' }])).toEqual(['app', 'shop']);
    expect(await sources([{ name: 'source', op: '=~', value: 'sh.*|app' }])).toEqual(['app', 'shop']);
    expect(await sources([{ name: 'alertname', op: '=', value: 'other' }])).toEqual([]);

    const none = await failure(preview([]));
    expect(none).toMatchObject({ code: 'BAD_REQUEST' });
    expect(none.message).toMatch(/a silence needs at least one matcher/);
    const bad = await failure(preview([{ name: 'source', op: '=~', value: '(' }]));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toMatch(/not a valid regular expression/);
  });

  it('shows the silence holding an alert and warns about one ending soon', async () => {
    const operator = await api(userActor('operator'));
    const now = Date.now();
    const silence = await operator.alerts.silences.create({
      silence: {
        matchers: [{ name: 'source', op: '=', value: 'app' }],
        startsAt: now - 1000,
        end: { kind: 'at', endsAt: now + 10 * 60_000 },
        comment: 'app release',
      },
    });
    const app = (await operator.alerts.active()).find((a) => a.labels.source === 'app');
    expect(app?.silencedBy).toEqual({
      id: silence.id,
      createdBy: 'user:operator@test.example',
      comment: 'app release',
      endsAt: now + 10 * 60_000,
    });
    expect((await operator.alerts.active()).find((a) => a.groupKey === shopKey)?.silencedBy).toBeNull();

    const warnings = await operator.alerts.silences.expiring();
    expect(warnings.map((w) => [w.silence.id, w.stillSilencing, w.endsAt])).toEqual([
      [silence.id, 1, now + 10 * 60_000],
    ]);
    expect(await operator.alerts.silences.expiring({ withinMinutes: 5 })).toEqual([]);
    await operator.alerts.silences.expire({ id: silence.id });
    expect(await operator.alerts.silences.expiring()).toEqual([]);
    expect((await operator.alerts.active()).find((a) => a.labels.source === 'app')?.silencedBy).toBeNull();
  });
});
