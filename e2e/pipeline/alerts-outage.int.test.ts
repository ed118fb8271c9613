// Alerting end to end on a whole private platform: events flow; the workers are stopped; the
// freshness and consumer-lag rules fire and one grouped notification arrives at a real webhook
// and one mail at a real SMTP server; the workers start again; both alerts are told resolved.
import type { AddressInfo } from 'node:net';
import {
  createAlertReceiver,
  createAlertRule,
  getAlertRouting,
  listAlertHistory,
  replaceAlertRouting,
} from '@tributary/alerts';
import { createDb, type Db } from '@tributary/db';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../scripts/test-infra/fixtures.ts';
import { startWebhookSink } from '../../scripts/test-infra/webhook-sink.ts';
import { startTestStack, type TestStack } from '../../scripts/lib/test-stack.ts';

const S = 1000;
const GROUP_WAIT_S = 20;
let t: TestStack;
let db: Db;
let hookSink: Awaited<ReturnType<typeof startWebhookSink>>;
let smtp: SMTPServer;
const mails: Array<{ at: number; mail: ParsedMail }> = [];
let traffic: NodeJS.Timeout | null = null;
/** Ingest's answers to the test's producer, by status (or the error), for failure messages. */
const answers = new Map<string, number>();

async function listen(server: { listen: (port: number, host: string, cb: () => void) => unknown }) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
}

beforeAll(async () => {
  hookSink = await startWebhookSink();
  smtp = new SMTPServer({
    // Plain SMTP on loopback: what is sent is under test here; TLS is email-tls.int.test's.
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          mails.push({ at: Date.now(), mail });
          callback();
        })
        .catch(callback);
    },
  });
  await listen(smtp);
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  t = await startTestStack(['workers', 'ingest', 'web', 'jobs'], {
    env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtpPort), SMTP_SECURE: 'none' },
  });
  db = createDb(t.config.databaseUrl);

  const hookUrl = hookSink.url;
  await createAlertReceiver(db, { kind: 'webhook', name: 'hook', url: hookUrl }, { actor: 'test' });
  await createAlertReceiver(
    db,
    { kind: 'email', name: 'mail', to: ['oncall@example.com'] },
    { actor: 'test' },
  );
  // Where a stack seeded the built-in rules and routing (root → the console's inbox), the rest
  // stays as seeded: this test's rules carry their own label, routed to the test's receivers.
  const ours = [{ name: 'suite', op: '=', value: 'outage-test' }];
  const seeded = await getAlertRouting(db);
  await replaceAlertRouting(
    db,
    {
      revision: seeded.revision,
      policy: {
        // A stack without the seed has no tree yet: the test's hook is its root.
        ...(seeded.policy ?? { receiver: 'hook' }),
        routes: [
          {
            matchers: ours,
            receiver: 'hook',
            continue: true,
            groupBy: ['suite'],
            groupWaitSeconds: GROUP_WAIT_S,
            groupIntervalSeconds: 20,
            repeatIntervalSeconds: 3600,
          },
          {
            matchers: ours,
            receiver: 'mail',
            groupBy: ['suite'],
            groupWaitSeconds: GROUP_WAIT_S,
            groupIntervalSeconds: 20,
            repeatIntervalSeconds: 3600,
          },
        ],
      },
    },
    { actor: 'test' },
  );
  const timing = {
    intervalSeconds: 10,
    windowSeconds: 60,
    pendingSeconds: 10,
    labels: { suite: 'outage-test' },
  };
  await createAlertRule(
    db,
    {
      name: 'freshness',
      title: 'Events are not queryable',
      query: { kind: 'signal', signal: { kind: 'freshness', quantile: 0.99 } },
      condition: { kind: 'threshold', op: 'above', threshold: 15 },
      ...timing,
    },
    { actor: 'test' },
  );
  await createAlertRule(
    db,
    {
      name: 'lag',
      title: 'The workers fall behind',
      query: { kind: 'signal', signal: { kind: 'consumer_lag', groups: [t.config.consumerGroup] } },
      condition: { kind: 'threshold', op: 'above', threshold: 15 },
      ...timing,
    },
    { actor: 'test' },
  );

  // A producer sending a few events a second throughout.
  let n = 0;
  traffic = setInterval(() => {
    const events = Array.from({ length: 5 }, () => ({ event_type: 'outage_probe', data: { n: n++ } }));
    void fetch(`${t.stack.ingestUrl}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.stack.writeKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    })
      .then((res) => res.status)
      .catch((err: unknown) => String(err))
      .then((k) => answers.set(String(k), (answers.get(String(k)) ?? 0) + 1));
  }, 250);
}, 600_000);

afterAll(async () => {
  if (traffic) clearInterval(traffic);
  await db?.$disconnect();
  await t?.stop();
  await hookSink?.close();
  await new Promise<void>((r) => (smtp ? smtp.close(r) : r()));
});

async function states(): Promise<Record<string, string>> {
  const rows = await db.alertInstance.findMany({ include: { rule: { select: { name: true } } } });
  return Object.fromEntries(rows.map((r) => [r.rule.name, r.state]));
}

/** The webhooks received so far. */
const hooks = () => hookSink.received;

describe('alerting through a workers outage', () => {
  it('fires freshness and lag as one grouped notification (webhook and mail), then resolves them', async () => {
    // Healthy first: events are stored and both rules evaluated normal.
    await eventually(async () => (await t.count('1 = 1')).rows > 0, 120_000, { what: 'events stored' }).catch(
      (err: Error) => {
        throw new Error(`${err.message}; ingest answered ${JSON.stringify([...answers])}`);
      },
    );
    await eventually(
      async () => {
        const s = await states();
        return s.freshness === 'normal' && s.lag === 'normal';
      },
      120_000,
      { what: 'both rules evaluated normal' },
    );

    const workers = t.supervisor.service('workers')!;
    const stoppedAt = Date.now();
    await workers.stop();

    await eventually(() => hooks().some((h) => h.payload.status === 'firing'), 180_000, {
      what: 'firing webhook',
    });
    await eventually(() => mails.length > 0, 60_000, { what: 'firing mail' });
    // Anything else due would arrive within a group interval.
    await new Promise((r) => setTimeout(r, 5 * S));
    const firing = hooks().filter((h) => h.payload.status === 'firing');
    expect(firing).toHaveLength(1);
    expect(firing[0]!.payload.firing.map((a) => a.rule).sort()).toEqual(['freshness', 'lag']);
    // Each alert links to its lineage node and names what is up- and downstream of it.
    const fresh = firing[0]!.payload.firing.find((a) => a.rule === 'freshness')!;
    expect(fresh.lineage?.node).toBe('table:events');
    expect(fresh.lineage?.upstream.length).toBeGreaterThan(0);
    expect(fresh.links.lineage).toContain('/lineage?focus=table%3Aevents');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.mail.subject).toContain('FIRING');
    expect(mails[0]!.mail.text).toContain('Events are not queryable');
    expect(mails[0]!.mail.text).toContain('The workers fall behind');

    const ourRules = new Set(['freshness', 'lag']);
    const firedAt = (await listAlertHistory(db, { limit: 1000 }))
      .filter((h) => h.kind === 'state_change' && h.toState === 'firing' && ourRules.has(h.ruleName ?? ''))
      .map((h) => Date.parse(h.at));
    expect(firedAt).toHaveLength(2);
    const pendingEnded = Math.min(...firedAt);
    const afterWait = (firing[0]!.at - pendingEnded) / S - GROUP_WAIT_S;
    console.log(
      `workers stopped → first rule firing after ${((pendingEnded - stoppedAt) / S).toFixed(1)} s; ` +
        `webhook received ${afterWait.toFixed(1)} s after its pending period + group_wait (${GROUP_WAIT_S} s), ` +
        `mail ${((mails[0]!.at - pendingEnded) / S - GROUP_WAIT_S).toFixed(1)} s`,
    );

    const restartedAt = Date.now();
    await workers.start();
    // Each clears on its own: freshness as soon as events are stored again, lag once the workers
    // caught up; a group notification says which resolved (one or two of them).
    const resolvedRules = () =>
      hooks().flatMap((h) => h.payload.resolved.filter((a) => a.state === 'firing').map((a) => a.rule));
    const summary = () =>
      JSON.stringify(
        hooks().map((h) => ({
          status: h.payload.status,
          firing: h.payload.firing.map((a) => `${a.rule}:${a.state}`),
          resolved: h.payload.resolved.map((a) => `${a.rule}:${a.state}`),
        })),
      );
    await eventually(() => new Set(resolvedRules()).size === 2, 240_000, { what: 'both resolved' }).catch(
      (err: Error) => {
        throw new Error(`${err.message}; webhooks: ${summary()}`);
      },
    );
    const resolvedAt = Date.now();
    await new Promise((r) => setTimeout(r, 5 * S));
    expect(resolvedRules().sort()).toEqual(['freshness', 'lag']);
    expect(hooks().at(-1)!.payload.status).toBe('resolved');
    await eventually(() => mails.length === hooks().length, 60_000, { what: 'a mail for each webhook' });
    expect(mails.at(-1)!.mail.subject).toContain('RESOLVED');
    console.log(
      `workers started → both resolved after ${((resolvedAt - restartedAt) / S).toFixed(1)} s; webhooks: ${summary()}`,
    );

    const delivered = (await listAlertHistory(db, { limit: 1000 })).filter(
      (h) => h.kind === 'notification' && h.receiver !== 'inbox',
    );
    expect(delivered.filter((h) => h.receiver === 'hook')).toHaveLength(hooks().length);
    expect(delivered.filter((h) => h.receiver === 'mail')).toHaveLength(mails.length);
    expect(delivered.every((h) => h.outcome === 'sent')).toBe(true);
  });
});
