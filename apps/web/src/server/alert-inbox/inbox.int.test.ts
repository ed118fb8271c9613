// POST /api/alerts/inbox called as Next calls the route (its exported POST with a Request), and
// the alertInbox.list procedure, against a real Postgres database of this file's own: only the
// bearer token gets in, bad bodies are refused with nothing stored, a real webhook payload is
// listed back read, and the inbox keeps only its newest 500.
import { webhookBody, type GroupNotification, type WebhookReceiver } from '@tributary/alerts';
import { createClickHouse } from '@tributary/clickhouse';
import { createDb, createTestDatabase, databaseUrlFromEnv, type Db, type TestDatabase } from '@tributary/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userActor } from '../auth/test-actors.ts';
import { INBOX_KEEP } from './inbox-store.ts';

const TOKEN = 'inbox-token-for-this-test-0123456789';
const unusedClickHouse = { client: createClickHouse({ url: 'http://127.0.0.1:1' }), database: 'none' };

let testDb: TestDatabase;
let db: Db;
let POST: (req: Request) => Promise<Response>;

beforeAll(async () => {
  testDb = await createTestDatabase(databaseUrlFromEnv(), { prefix: 'tributary_alert_inbox' });
  db = createDb(testDb.url);
  // NOTE: the console's env is parsed when first imported, so the route loads only after this.
  process.env.DATABASE_URL = testDb.url;
  process.env.ALERT_INBOX_TOKEN = TOKEN;
  ({ POST } = (await import('../../app/api/alerts/inbox/route.ts')) as {
    POST: (req: Request) => Promise<Response>;
  });
});

afterAll(async () => {
  await (await import('../db.ts')).getDb().$disconnect();
  await db?.$disconnect();
  await testDb?.drop();
});

function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
  return POST(
    new Request('http://127.0.0.1:3000/api/alerts/inbox', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    }),
  );
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function inboxList(limit?: number) {
  const { appRouter } = await import('../routers/index.ts');
  const { callerContext } = await import('../trpc.ts');
  const caller = appRouter.createCaller(callerContext(unusedClickHouse, userActor('viewer')));
  return caller.alertInbox.list(limit === undefined ? undefined : { limit });
}

const at = Date.parse('2026-12-04T20:00:00Z');
const notification: GroupNotification = {
  at,
  receiver: 'inbox',
  routeId: 'root',
  groupId: 'root:{alertname="demo-source-silent"}',
  reason: 'first',
  groupLabels: { alertname: 'demo-source-silent' },
  firing: [
    {
      status: 'firing',
      state: 'firing',
      rule: 'demo-source-silent',
      title: 'Source demo silent for 10 minutes',
      labels: { alertname: 'demo-source-silent', source: 'demo', severity: 'info' },
      value: 0,
      condition: { text: 'below 1', threshold: 1, recovery: 1 },
      startsAt: at - 30_000,
      endsAt: null,
      links: { panel: null, lineage: 'http://127.0.0.1:3000/lineage?focus=source%3Ademo' },
      lineage: { node: 'source:demo', upstream: [], downstream: ['ingest'] },
    },
  ],
  resolved: [],
  test: false,
};
const receiver: WebhookReceiver = {
  kind: 'webhook',
  name: 'inbox',
  url: 'http://127.0.0.1:3000/api/alerts/inbox',
  format: 'json',
  headers: bearer(TOKEN),
};
/** The body the jobs service sends for this notification. */
const realBody = JSON.stringify(webhookBody(receiver, notification));

describe('the alert inbox', () => {
  it('refuses a delivery without the right bearer token, storing nothing', async () => {
    for (const headers of [{}, bearer('wrong'), bearer(`${TOKEN}x`), { authorization: TOKEN }]) {
      const res = await post(realBody, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/token/);
    }
    expect(await db.alertInboxMessage.count()).toBe(0);
  });

  it('refuses bodies that are not one JSON object, or too large, storing nothing', async () => {
    const auth = bearer(TOKEN);
    const notJson = await post('{"version": "1", ', auth);
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toMatch(
      /not valid JSON/,
    );
    expect((await post('[1, 2]', auth)).status).toBe(400);
    expect((await post('"text"', auth)).status).toBe(400);
    expect((await post('', auth)).status).toBe(400);
    expect((await post('{}', { ...auth, 'content-type': 'text/plain' })).status).toBe(415);
    const huge = JSON.stringify({ text: 'x'.repeat(300 * 1024) });
    expect((await post(huge, auth)).status).toBe(413);
    expect(await db.alertInboxMessage.count()).toBe(0);
  });

  it('stores a webhook payload and lists it back read, newest first, unknown bodies raw', async () => {
    const res = await post(realBody, bearer(TOKEN));
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const other = await post(JSON.stringify({ hello: 'from elsewhere' }), bearer(TOKEN));
    expect(other.status).toBe(201);

    const { messages, total } = await inboxList();
    expect(total).toBe(2);
    expect(messages).toHaveLength(2);
    const [newest, older] = messages;
    expect(newest!.payload).toBeNull();
    expect(newest!.raw).toEqual({ hello: 'from elsewhere' });
    expect(older!.id).toBe(id);
    expect(older!.payload).toMatchObject({
      version: '1',
      status: 'firing',
      receiver: 'inbox',
      groupLabels: { alertname: 'demo-source-silent' },
      firing: [
        {
          rule: 'demo-source-silent',
          title: 'Source demo silent for 10 minutes',
          value: 0,
          condition: { text: 'below 1' },
          links: { lineage: 'http://127.0.0.1:3000/lineage?focus=source%3Ademo' },
        },
      ],
    });
    expect(older!.raw).toBeUndefined();
    expect(Date.parse(older!.receivedAt)).toBeLessThanOrEqual(Date.parse(newest!.receivedAt));
  });

  it(`keeps only the newest ${INBOX_KEEP} messages`, async () => {
    await db.alertInboxMessage.deleteMany();
    const base = Date.now() - 86_400_000;
    // Already full: INBOX_KEEP old messages, one a second, the oldest first.
    await db.alertInboxMessage.createMany({
      data: Array.from({ length: INBOX_KEEP }, (_, i) => ({
        receivedAt: new Date(base + i * 1000),
        body: { seq: i },
      })),
    });
    for (let i = 0; i < 3; i++) expect((await post(realBody, bearer(TOKEN))).status).toBe(201);
    expect(await db.alertInboxMessage.count()).toBe(INBOX_KEEP);
    const oldest = await db.alertInboxMessage.findMany({ orderBy: { receivedAt: 'asc' }, take: 1 });
    expect(oldest[0]!.body).toEqual({ seq: 3 });
    const page = await inboxList(10);
    expect(page.total).toBe(INBOX_KEEP);
    expect(page.messages).toHaveLength(10);
    expect(
      page.messages.slice(0, 3).every((m) => m.payload?.groupLabels.alertname === 'demo-source-silent'),
    ).toBe(true);
  });
});
