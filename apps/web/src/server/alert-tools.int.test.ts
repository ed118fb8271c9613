// The alert configuration pages' tools against the real stack: a backtest of an unsaved panel
// rule over events stored in the embedded ClickHouse (when it would have fired, what each route
// of the stored routing would have sent, a muted route counted as muted), its problems returned
// with their paths, and "send test" through a webhook receiver to a real HTTP server on this
// machine (and an email receiver while SMTP is not configured).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClickHouse, insertRows, toDateTime64, type QueryTarget } from '@tributary/clickhouse';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../../../../scripts/test-infra/fixtures.ts';
import type { Actor } from './auth/actor.ts';
import { userActor } from './auth/test-actors.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

let iso: Isolated;
let target: QueryTarget;
let server: Server;
let hookUrl: string;
const received: Array<{ headers: IncomingMessage['headers']; body: unknown }> = [];
/** A 30-minute burst two days ago, minute-aligned: 20 purchases a minute. */
let burstStart: number;
const BURST_MINUTES = 30;

function event(id: string, at: number) {
  const t = toDateTime64(new Date(at));
  return {
    event_id: id,
    event_type: 'purchase',
    timestamp: t,
    user_id: null,
    data: { amount: 1 },
    metadata: {},
    source: 'web',
    schema_version: 1,
    received_at: t,
    processed_at: t,
  };
}

beforeAll(async () => {
  iso = await isolate();
  const ch = createClickHouse({ url: iso.clickhouseUrl });
  target = { client: ch, database: iso.clickhouseDatabase };
  burstStart = Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR;
  const rows = [];
  // One purchase an hour over the last 7 days (at :45, outside the burst): the rule has values, far below its threshold.
  for (let h = 1; h < 7 * 24; h++) rows.push(event(`bg-${h}`, burstStart + 48 * HOUR - h * HOUR + 45 * MIN));
  for (let m = 0; m < BURST_MINUTES; m++)
    for (let i = 0; i < 20; i++) rows.push(event(`burst-${m}-${i}`, burstStart + m * MIN + i * 2_000));
  await insertRows(ch, `${iso.clickhouseDatabase}.events`, rows, { dedupToken: 'alert-tools' });

  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(req.url === '/refuse' ? 410 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // NOTE: the console's env is parsed when first imported, so the router loads only after this.
  process.env.DATABASE_URL = iso.databaseUrl;
  for (const k of ['SMTP_HOST', 'SMTP_PORT', 'SMTP_SECURE', 'SMTP_USER', 'SMTP_PASSWORD', 'SMTP_FROM'])
    delete process.env[k];
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await (await import('./db.ts')).getDb().$disconnect();
  await target?.client.close();
  await iso?.cleanup();
});

async function api(actor: Actor | null) {
  const { appRouter } = await import('./routers/index.ts');
  const { callerContext } = await import('./trpc.ts');
  return appRouter.createCaller(callerContext(target, actor));
}

async function code(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  return err === null ? 'ok' : err instanceof TRPCError ? err.code : `non-trpc ${String(err)}`;
}

/** Purchases in the last 5 minutes above 50, evaluated every 5 minutes. */
const surge = {
  name: 'purchase-surge',
  title: 'Purchase surge',
  labels: { team: 'shop' },
  query: {
    kind: 'panel',
    query: {
      source: { kind: 'events', eventTypes: ['purchase'] },
      measure: { fn: 'count' },
      interval: 60,
    },
    reduce: 'sum',
  },
  condition: { kind: 'threshold', op: 'above', threshold: 50, recovery: 20 },
  intervalSeconds: 300,
  windowSeconds: 300,
};

describe('alertTools', () => {
  it('backtests an unsaved rule over stored events with the stored routing and mute timings', async () => {
    const admin = await api(userActor('admin'));
    await admin.alerts.receivers.create({ receiver: { kind: 'webhook', name: 'shop-hook', url: hookUrl } });
    await admin.alerts.receivers.create({ receiver: { kind: 'webhook', name: 'night-hook', url: hookUrl } });
    // Every day, all day: what goes through this route is muted.
    await admin.alerts.muteTimings.create({ muteTiming: { name: 'always', intervals: [{}] } });
    await admin.alerts.routing.replace({
      revision: 0,
      policy: {
        receiver: 'night-hook',
        groupWaitSeconds: 0,
        routes: [
          { matchers: [{ name: 'team', op: '=', value: 'shop' }], receiver: 'shop-hook', continue: true },
          { matchers: [{ name: 'team', op: '=', value: 'shop' }], muteTimings: ['always'] },
        ],
      },
    });

    const viewer = await api(userActor('viewer'));
    const result = await viewer.alertTools.backtest({ rule: surge, days: 7 });
    if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.problems)}`);
    expect(result.routingRevision).toBe(1);
    expect(result.evaluations).toBeGreaterThanOrEqual(7 * 24 * 12);
    expect(result.fired).toBe(1);
    const [firing] = result.firings;
    expect(firing?.state).toBe('firing');
    // Fires at the first evaluation whose whole 5-minute window holds burst buckets, clears after.
    expect(firing!.from).toBeGreaterThan(burstStart);
    expect(firing!.from).toBeLessThanOrEqual(burstStart + 10 * MIN);
    expect(firing!.to).toBeGreaterThan(burstStart + BURST_MINUTES * MIN);
    expect(firing!.to).toBeLessThanOrEqual(burstStart + (BURST_MINUTES + 10) * MIN);
    expect(result.changes).toBe(2);

    // One ungrouped series, thinned under the bound, holding the burst's 100 a window.
    expect(result.series).toHaveLength(1);
    expect(result.series[0]!.points.length).toBeLessThanOrEqual(2000);
    expect(Math.max(...result.series[0]!.points.map((p) => p.v))).toBe(100);

    const byRoute = Object.fromEntries(result.routes.map((r) => [r.routeId, r]));
    // Firing then resolved: two notifications on the route that sends; the muted one sends none.
    expect(byRoute['root.0']).toMatchObject({ receiver: 'shop-hook', sent: 2, muted: 0 });
    expect(byRoute['root.0']!.label).toContain('team="shop"');
    expect(byRoute['root.1']).toMatchObject({ receiver: 'night-hook', sent: 0 });
    expect(byRoute['root.1']!.muted).toBeGreaterThanOrEqual(1);
    expect(byRoute.root).toBeUndefined();
  });

  it('returns a rule’s problems with their paths, and refuses a range past 30 days', async () => {
    const viewer = await api(userActor('viewer'));
    const result = await viewer.alertTools.backtest({
      rule: {
        ...surge,
        intervalSeconds: 90,
        condition: { kind: 'threshold', op: 'above', threshold: 5, recovery: 9 },
      },
    });
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['condition.recovery', 'intervalSeconds']));
    expect(await code(viewer.alertTools.backtest({ rule: surge, days: 31 }))).toBe('BAD_REQUEST');
    expect(await code((await api(null)).alertTools.backtest({ rule: surge }))).toBe('UNAUTHORIZED');
  });

  it('stops when the request is aborted, and at its own deadline', async () => {
    const { backtestDraft } = await import('./alert-tools/backtest.ts');
    const { getDb } = await import('./db.ts');
    const aborted = new AbortController();
    aborted.abort();
    await expect(
      backtestDraft({ db: getDb(), clickhouse: target, signal: aborted.signal }, surge, 7),
    ).rejects.toThrow(/abort/i);
    // Its own overall limit says what to change (seven ClickHouse chunks never fit in 1 ms).
    await expect(
      backtestDraft({ db: getDb(), clickhouse: target, deadlineMs: 1 }, surge, 7),
    ).rejects.toMatchObject({ code: 'query_too_large', message: expect.stringMatching(/ran past 0.001 s/) });
  });

  it('sends a test through a stored webhook receiver and returns the outcome as data', async () => {
    const admin = await api(userActor('admin'));
    await admin.alerts.receivers.create({
      receiver: {
        kind: 'webhook',
        name: 'test-hook',
        url: `${hookUrl}/ok`,
        headers: { 'X-Token': 's3cret' },
      },
    });
    await admin.alerts.receivers.create({
      receiver: { kind: 'webhook', name: 'gone-hook', url: `${hookUrl}/refuse` },
    });
    const before = received.length;
    const sent = await admin.alertTools.sendTest({ name: 'test-hook' });
    expect(sent).toMatchObject({ receiver: 'test-hook', kind: 'webhook', outcome: { kind: 'ok' } });
    expect(received.length).toBe(before + 1);
    // The stored secret went out, not the mask non-admins see.
    expect(received.at(-1)?.headers['x-token']).toBe('s3cret');
    expect(received.at(-1)?.body).toMatchObject({ test: true });

    const refused = await admin.alertTools.sendTest({ name: 'gone-hook' });
    expect(refused.outcome).toMatchObject({ kind: 'failed', retriable: false });

    await admin.alerts.receivers.create({
      receiver: { kind: 'email', name: 'oncall-mail', to: ['oncall@example.test'] },
    });
    const mail = await admin.alertTools.sendTest({ name: 'oncall-mail' });
    expect(mail.outcome).toMatchObject({ kind: 'failed', retriable: false });
    expect(mail.outcome.kind === 'failed' && mail.outcome.reason).toMatch(/^SMTP is not configured/);

    expect(await code(admin.alertTools.sendTest({ name: 'nobody' }))).toBe('NOT_FOUND');
    const operator = await api(userActor('operator'));
    expect(await code(operator.alertTools.sendTest({ name: 'test-hook' }))).toBe('FORBIDDEN');
    expect(received.length).toBe(before + 2);
  });
});
