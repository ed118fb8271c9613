// Webhook delivery against a real HTTP server on this machine: what arrives (the versioned JSON
// payload, the Slack shape), and how failures come back as outcomes — an error status, a
// redirect, a huge answer, a refused connection, a server that never answers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { alertRuleSchema, receiverSchema } from '@tributary/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelsKey } from '../labels.ts';
import type { GroupNotification } from '../notification.ts';
import { deliverRecord } from './deliver-record.ts';
import { deliverNotification } from './deliver.ts';
import { webhookPayloadSchema } from './payload.ts';
import { sampleNotification, sendTestNotification } from './send-test.ts';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

let server: Server;
let base: string;
const received: Received[] = [];

/** Each path answers its own way. */
function handle(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const path = req.url ?? '';
    received.push({ path, headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
    if (path === '/ok') res.writeHead(204).end();
    else if (path === '/fail') res.writeHead(500, { 'content-type': 'text/plain' }).end('database is down');
    else if (path === '/moved') res.writeHead(302, { location: `${base}/ok` }).end();
    else if (path === '/flaky') {
      // Busy on the first call, fine afterwards.
      if (received.filter((r) => r.path === '/flaky').length === 1) res.writeHead(503).end('busy');
      else res.writeHead(200).end('ok');
    } else if (path === '/huge') res.writeHead(500).end('x'.repeat(20 * 1024 * 1024));
    // '/silent' reads the request and never answers.
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const webhook = (path: string, format: 'json' | 'slack' = 'json') =>
  receiverSchema.parse({
    kind: 'webhook',
    name: 'hook',
    url: `${base}${path}`,
    format,
    headers: { 'X-Token': 's3cret' },
  });

const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const notification: GroupNotification = sampleNotification(
  receiverSchema.parse({ kind: 'webhook', name: 'hook', url: 'http://127.0.0.1/' }),
  NOW,
  'http://console.test',
);

describe('webhook receiver', () => {
  it('POSTs the versioned JSON payload with the configured headers', async () => {
    received.length = 0;
    const outcome = await deliverNotification(
      webhook('/ok'),
      { ...notification, test: false },
      { timeoutMs: 5000 },
    );
    expect(outcome).toEqual({ kind: 'ok', detail: 'answered 204' });
    expect(received).toHaveLength(1);
    const got = received[0]!;
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-token']).toBe('s3cret');
    const payload = webhookPayloadSchema.parse(got.body);
    expect(payload.version).toBe('1');
    expect(payload.test).toBe(false);
    expect(payload.firing[0]).toMatchObject({
      value: 42,
      condition: { threshold: 30, recovery: 25 },
      links: { panel: 'http://console.test/dashboards/overview#panel-events' },
    });
  });

  it('sends a Slack-compatible body: text and blocks', async () => {
    received.length = 0;
    const outcome = await deliverNotification(webhook('/ok', 'slack'), notification, { timeoutMs: 5000 });
    expect(outcome.kind).toBe('ok');
    const body = received[0]!.body as {
      text: string;
      blocks: Array<{ type: string; text?: { text: string } }>;
    };
    expect(body.text).toBe('[TEST] [FIRING:1] Test alert from Tributary');
    expect(body.blocks[0]!.type).toBe('header');
    const section = body.blocks.find((b) => b.type === 'section')!;
    expect(section.text!.text).toContain('*value:* 42');
    expect(section.text!.text).toContain('<http://console.test/lineage?focus=source%3Aweb|');
  });

  it('a 500 answer is a failed outcome quoting the answer', async () => {
    const outcome = await deliverNotification(webhook('/fail'), notification, { timeoutMs: 5000 });
    expect(outcome).toEqual({ kind: 'failed', reason: 'answered 500: database is down', retriable: true });
  });

  it('does not follow redirects', async () => {
    received.length = 0;
    const outcome = await deliverNotification(webhook('/moved'), notification, { timeoutMs: 5000 });
    expect(outcome.kind).toBe('failed');
    expect(outcome.kind === 'failed' && outcome.reason).toMatch(
      /^answered 302, a redirect to .*\/ok: redirects are not followed/,
    );
    expect(outcome.kind === 'failed' && outcome.retriable).toBe(false);
    expect(received.map((r) => r.path)).toEqual(['/moved']);
  });

  it('reads only the start of a huge answer', async () => {
    const outcome = await deliverNotification(webhook('/huge'), notification, {
      timeoutMs: 30_000,
      maxResponseBytes: 1024,
    });
    expect(outcome.kind).toBe('failed');
    expect(outcome.kind === 'failed' && outcome.reason).toBe(`answered 500: ${'x'.repeat(200)}`);
  });

  it('a server that never answers is timed out', async () => {
    const outcome = await deliverNotification(webhook('/silent'), notification, { timeoutMs: 500 });
    expect(outcome).toEqual({ kind: 'timed_out', reason: 'no complete answer within 500 ms' });
  });

  it('a refused connection is a failed outcome with the reason', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const r = receiverSchema.parse({ kind: 'webhook', name: 'gone', url: `http://127.0.0.1:${port}/x` });
    const outcome = await deliverNotification(r, notification, { timeoutMs: 5000 });
    expect(outcome.kind).toBe('failed');
    expect(outcome.kind === 'failed' && outcome.reason).toMatch(/ECONNREFUSED/);
    expect(outcome.kind === 'failed' && outcome.retriable).toBe(true);
  });

  it('a scheduler record goes to its receiver, retried past a busy answer', async () => {
    received.length = 0;
    const rule = alertRuleSchema.parse({
      name: 'lag',
      title: 'Consumer lag',
      query: { kind: 'signal', signal: { kind: 'consumer_lag' } },
      condition: { kind: 'threshold', op: 'above', threshold: 60 },
    });
    const labels = { alertname: 'lag', alertstate: 'firing', group: 'workers' };
    const r = await deliverRecord(
      {
        at: NOW,
        groupId: 'g',
        routeId: 'root',
        receiver: 'hook',
        groupLabels: { alertname: 'lag' },
        firing: [
          {
            fingerprint: labelsKey(labels),
            labels,
            status: 'firing',
            startsAt: NOW - 60_000,
            endsAt: null,
            value: 75,
          },
        ],
        resolved: [],
        outcome: 'send',
        reason: 'first',
        by: [],
      },
      {
        receivers: [webhook('/flaky')],
        context: { consoleUrl: 'http://console.test', rule: () => rule },
        timeoutMs: 5000,
        sleep: () => Promise.resolve(),
      },
    );
    expect(r?.attempts).toEqual([
      { kind: 'failed', reason: 'answered 503: busy', retriable: true },
      { kind: 'ok', detail: 'answered 200' },
    ]);
    const payload = webhookPayloadSchema.parse(received[1]!.body);
    expect(payload.firing[0]).toMatchObject({ rule: 'lag', value: 75, condition: { threshold: 60 } });
  });

  it('"send test" delivers a sample marked as a test', async () => {
    received.length = 0;
    const outcome = await sendTestNotification(webhook('/ok'), {
      consoleUrl: 'http://console.test',
      now: NOW,
      timeoutMs: 5000,
    });
    expect(outcome.kind).toBe('ok');
    const payload = webhookPayloadSchema.parse(received[0]!.body);
    expect(payload.test).toBe(true);
    expect(payload.title).toMatch(/^\[TEST\]/);
    expect(payload.text).toContain('This is a test notification');
  });
});
