// Two jobs services as real processes over one platform slice: 100 alerts fire, the receiver
// hears of each exactly once; the leader is killed (SIGKILL) between firings, the other instance
// takes over the alert leases once they lapse and notifies the next 50, again each exactly once.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createAlertReceiver,
  createAlertRule,
  getAlertRule,
  listAlertHistory,
  replaceAlertRouting,
  updateAlertRule,
  webhookPayloadSchema,
  type WebhookPayload,
} from '@tributary/alerts';
import { createDb, type Db } from '@tributary/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../../../scripts/lib/ports.ts';
import { httpOk, startProcess, waitFor, type ManagedProcess } from '../../../scripts/lib/processes.ts';
import { eventually, isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const ALERT_JOBS = ['alert-evaluation', 'alert-delivery'];
let iso: Isolated;
let db: Db;
let logDir: string;
let server: Server;
const received: WebhookPayload[] = [];
const runners = new Map<string, { p: ManagedProcess; port: number }>();

const health = z.object({ jobs: z.array(z.object({ name: z.string(), leader: z.boolean().nullable() })) });

async function leads(instance: string): Promise<boolean> {
  const r = runners.get(instance)!;
  const res = await fetch(`http://127.0.0.1:${r.port}/healthz`).catch(() => null);
  if (!res) return false;
  const { jobs } = health.parse(await res.json());
  return ALERT_JOBS.every((name) => jobs.find((j) => j.name === name)?.leader === true);
}

async function startJobs(instance: string): Promise<void> {
  const port = await freePort();
  const p = startProcess({
    name: instance,
    command: process.execPath,
    args: ['--import', 'tsx', resolve(REPO_ROOT, 'apps/jobs/src/main.ts')],
    cwd: REPO_ROOT,
    env: {
      DATABASE_URL: iso.databaseUrl,
      CLICKHOUSE_URL: iso.clickhouseUrl,
      CLICKHOUSE_DATABASE: iso.clickhouseDatabase,
      KAFKA_BROKERS: iso.brokers,
      TOPIC_PREFIX: iso.topicPrefix,
      REDIS_URL: iso.redisUrl,
      REDIS_PREFIX: iso.redisPrefix,
      JOBS_INSTANCE: instance,
      OPS_PORT: String(port),
      ALERT_TICK_MS: '200',
      LOG_LEVEL: 'info',
    },
    logFile: join(logDir, `${instance}.log`),
  });
  await waitFor(instance, () => httpOk(`http://127.0.0.1:${port}/healthz`), {
    timeoutMs: 60_000,
    describe: () => `see ${p.logFile}`,
  });
  runners.set(instance, { p, port });
}

const sources = (n: number) => Array.from({ length: n }, (_, i) => `s${String(i).padStart(3, '0')}`);
const firingAlerts = () => received.filter((p) => p.status === 'firing').flatMap((p) => p.firing);

beforeAll(async () => {
  iso = await isolate();
  db = createDb(iso.databaseUrl);
  logDir = mkdtempSync(join(tmpdir(), 'alert-leaders-'));
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(webhookPayloadSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  await createAlertReceiver(db, { kind: 'webhook', name: 'hook', url }, { actor: 'test' });
  // One notification per alert, at once: every firing is one message to count.
  await replaceAlertRouting(
    db,
    {
      revision: 0,
      policy: {
        receiver: 'hook',
        groupBy: ['...'],
        groupWaitSeconds: 0,
        groupIntervalSeconds: 1,
        repeatIntervalSeconds: 86_400,
      },
    },
    { actor: 'test' },
  );
  await startJobs('jobs-a');
  await eventually(() => leads('jobs-a'), 30_000, { what: 'jobs-a leads the alert jobs' });
  await startJobs('jobs-b');
}, 180_000);

afterAll(async () => {
  await Promise.all([...runners.values()].map((r) => r.p.stop()));
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await db?.$disconnect();
  await iso?.cleanup();
  rmSync(logDir, { recursive: true, force: true });
});

describe('alerting with two jobs instances', () => {
  it('notifies each of 100 firings once, across a SIGKILL of the leader', async () => {
    // Nothing is ever received from these sources: each is an instance that fires at once.
    const rule = {
      name: 'quiet-sources',
      title: 'A source went quiet',
      query: { kind: 'signal', signal: { kind: 'source_silence', sources: sources(50), minutes: 1 } },
      condition: { kind: 'threshold', op: 'below', threshold: 1 },
      intervalSeconds: 10,
      windowSeconds: 60,
    };
    await createAlertRule(db, rule, { actor: 'test' });
    await eventually(() => firingAlerts().length >= 50, 60_000, { what: '50 firings notified' });
    expect(firingAlerts()).toHaveLength(50);

    const leader = runners.get('jobs-a')!;
    const killedAt = Date.now();
    leader.p.kill('SIGKILL');
    await leader.p.exit;
    const { revision } = await getAlertRule(db, 'quiet-sources');
    await updateAlertRule(
      db,
      'quiet-sources',
      {
        revision,
        rule: {
          ...rule,
          query: { kind: 'signal', signal: { kind: 'source_silence', sources: sources(100), minutes: 1 } },
        },
      },
      { actor: 'test' },
    );
    await eventually(() => leads('jobs-b'), 60_000, { intervalMs: 200, what: 'jobs-b takes over' });
    const takeoverMs = Date.now() - killedAt;
    await eventually(() => firingAlerts().length >= 100, 60_000, { what: '100 firings notified' });
    const lastAt = Date.now();
    console.log(
      `leader killed: the other instance held both alert leases after ${(takeoverMs / 1000).toFixed(1)} s ` +
        `(lease ttl 15 s); the 50 new firings were all notified ${((lastAt - killedAt) / 1000).toFixed(1)} s after the kill`,
    );
    expect(takeoverMs).toBeLessThan(30_000);

    // A moment more for any straggler or duplicate to show up, then count.
    await new Promise((r) => setTimeout(r, 2000));
    const alerts = firingAlerts();
    expect(alerts).toHaveLength(100);
    expect(new Set(alerts.map((a) => a.labels.source)).size).toBe(100);
    expect(received.filter((p) => p.status === 'resolved')).toHaveLength(0);

    const history = await listAlertHistory(db, { limit: 1000 });
    expect(history.filter((h) => h.kind === 'state_change' && h.toState === 'firing')).toHaveLength(100);
    const notifications = history.filter((h) => h.kind === 'notification');
    expect(notifications).toHaveLength(100);
    expect(notifications.every((h) => h.outcome === 'sent')).toBe(true);
  });
});
