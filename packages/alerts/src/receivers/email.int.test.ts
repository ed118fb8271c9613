// Email delivery through a real SMTP server (smtp-server, on a free port in this process): the
// mail that arrives is parsed with mailparser and read like a person would, and failures —
// a refused login, a server that never greets, no server configured — come back as outcomes.
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { alertRuleSchema, receiverSchema, type AlertRule } from '@tributary/contracts';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelsKey } from '../labels.ts';
import { describeNotification } from '../notification.ts';
import { deliverNotification } from './deliver.ts';
import type { SmtpSettings } from './email.ts';
import { sendTestNotification } from './send-test.ts';

let smtp: SMTPServer;
let port: number;
const inbox: Array<{ mail: ParsedMail; to: string[] }> = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    // Plain SMTP on loopback: the test is about what is sent, not about TLS certificates.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === 'alerts' && auth.password === 'pw') callback(null, { user: 'alerts' });
      else callback(new Error('invalid username or password'));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          inbox.push({ mail, to: session.envelope.rcptTo.map((r) => r.address) });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  port = (smtp.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(resolve));
});

const settings = (over: Partial<SmtpSettings> = {}): SmtpSettings => ({
  host: '127.0.0.1',
  port,
  security: 'none',
  auth: { user: 'alerts', pass: 'pw' },
  from: 'Tributary <alerts@tributary.test>',
  ...over,
});

const receiver = receiverSchema.parse({
  kind: 'email',
  name: 'oncall-mail',
  to: ['oncall@example.com', 'lead@example.com'],
});

const T = Date.parse('2026-03-10T12:00:00.000Z');
const rule: AlertRule = alertRuleSchema.parse({
  name: 'freshness',
  title: 'Events are stale',
  query: { kind: 'signal', signal: { kind: 'freshness' } },
  condition: { kind: 'threshold', op: 'above', threshold: 30, recovery: 20 },
});
const labels = { alertname: 'freshness', alertstate: 'firing' };
const notification = describeNotification(
  {
    at: T,
    groupId: 'g',
    routeId: 'root',
    receiver: 'oncall-mail',
    groupLabels: { alertname: 'freshness' },
    firing: [
      {
        fingerprint: labelsKey(labels),
        labels,
        status: 'firing',
        startsAt: T - 7 * 60_000,
        endsAt: null,
        value: 48.5,
      },
    ],
    resolved: [],
    outcome: 'send',
    reason: 'first',
    by: [],
  },
  {
    consoleUrl: 'http://console.test',
    rule: (name) => (name === rule.name ? rule : undefined),
    lineage: () => ({ upstream: ['workers', 't.events', 'ingest'], downstream: ['Overview · Views'] }),
  },
);

describe('email receiver', () => {
  it('sends one mail to every address with the value, threshold and links in text and HTML', async () => {
    inbox.length = 0;
    const outcome = await deliverNotification(receiver, notification, {
      smtp: settings(),
      timeoutMs: 10_000,
    });
    expect(outcome.kind).toBe('ok');
    expect(inbox).toHaveLength(1);
    const { mail, to } = inbox[0]!;
    expect(to).toEqual(['oncall@example.com', 'lead@example.com']);
    expect(mail.subject).toBe('[Tributary] [FIRING:1] Events are stale');
    expect(mail.from?.value[0]).toMatchObject({ name: 'Tributary', address: 'alerts@tributary.test' });
    const link = 'http://console.test/lineage?focus=table%3Aevents';
    expect(mail.text).toContain('value: 48.5 (condition: above 30 (recovers at or below 20))');
    expect(mail.text).toContain('threshold: 30');
    expect(mail.text).toContain('recovery threshold: 20');
    expect(mail.text).toContain('for: 7m');
    expect(mail.text).toContain(`lineage: ${link}`);
    expect(mail.text).toContain('upstream: workers, t.events, ingest');
    const html = mail.html || '';
    expect(html).toContain('48.5');
    expect(html).toContain('<td>30</td>');
    expect(html).toContain(`<a href="${link}">`);
    expect(html).toContain('Overview · Views');
  });

  it('"send test" sends the sample through the same settings', async () => {
    inbox.length = 0;
    const outcome = await sendTestNotification(receiver, {
      smtp: settings(),
      consoleUrl: 'http://console.test',
      now: T,
      timeoutMs: 10_000,
    });
    expect(outcome.kind).toBe('ok');
    expect(inbox[0]!.mail.subject).toBe('[Tributary] [TEST] [FIRING:1] Test alert from Tributary');
    expect(inbox[0]!.mail.text).toContain('This is a test notification');
  });

  it('a refused login is a failed outcome with the server’s reason', async () => {
    const outcome = await deliverNotification(receiver, notification, {
      smtp: settings({ auth: { user: 'alerts', pass: 'wrong' } }),
      timeoutMs: 10_000,
    });
    expect(outcome.kind).toBe('failed');
    expect(outcome.kind === 'failed' && outcome.reason).toMatch(/invalid username or password/);
    // 535: the login is wrong, and will be wrong on the next try too.
    expect(outcome.kind === 'failed' && outcome.retriable).toBe(false);
  });

  it('no SMTP server configured is a failed outcome, not an exception', async () => {
    expect(await deliverNotification(receiver, notification, {})).toEqual({
      kind: 'failed',
      reason: 'no SMTP server is configured for email receivers',
      retriable: false,
    });
  });

  it('a server that accepts the connection and never greets is timed out', async () => {
    const sockets: Socket[] = [];
    const mute: TcpServer = createTcpServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    try {
      const outcome = await deliverNotification(receiver, notification, {
        smtp: settings({ port: (mute.address() as AddressInfo).port }),
        timeoutMs: 500,
      });
      expect(outcome.kind).toBe('timed_out');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => mute.close(resolve));
    }
  });
});
