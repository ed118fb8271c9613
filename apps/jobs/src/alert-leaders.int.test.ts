// Two jobs services as real processes over one platform slice: 100 alerts fire, the receiver
// hears of each exactly once; the leader is killed (SIGKILL) between firings, the other instance
// takes over the alert leases once they lapse and notifies the next 50, again each exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAlertReceiver,
  createAlertRule,
  getAlertRule,
  listAlertHistory,
  replaceAlertRouting,
  updateAlertRule,
} from '@tributary/alerts';
import { createDb, type Db } from '@tributary/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ManagedProcess } from '../../../scripts/lib/processes.ts';
import { eventually, isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';
import { startJobsProcess } from '../../../scripts/test-infra/jobs-process.ts';
import { startWebhookSink } from '../../../scripts/test-infra/webhook-sink.ts';

const ALERT_JOBS = ['alert-evaluation', 'alert-delivery'];
let iso: Isolated;
let db: Db;
let logDir: string;
let sink: Awaited<ReturnType<typeof startWebhookSink>>;
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
  const { process: p, opsPort } = await startJobsProcess(iso, instance, {
    logDir,
    env: { ALERT_TICK_MS: '200' },
  });
  runners.set(instance, { p, port: opsPort });
}

const sources = (n: number) => Array.from({ length: n }, (_, i) => `s${String(i).padStart(3, '0')}`);
const firingAlerts = () =>
  sink.received.filter((r) => r.payload.status === 'firing').flatMap((r) => r.payload.firing);

beforeAll(async () => {
  iso = await isolate();
  db = createDb(iso.databaseUrl);
  logDir = mkdtempSync(join(tmpdir(), 'alert-leaders-'));
  sink = await startWebhookSink();
  const url = sink.url;
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
  await sink?.close();
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
    expect(sink.received.filter((r) => r.payload.status === 'resolved')).toHaveLength(0);

    const history = await listAlertHistory(db, { limit: 1000 });
    expect(history.filter((h) => h.kind === 'state_change' && h.toState === 'firing')).toHaveLength(100);
    const notifications = history.filter((h) => h.kind === 'notification');
    expect(notifications).toHaveLength(100);
    expect(notifications.every((h) => h.outcome === 'sent')).toBe(true);
  });
});
