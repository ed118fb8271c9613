import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { makeEvent, sendSteady, type LoadEvent } from '../../scripts/lib/load.ts';
import { freePort } from '../../scripts/lib/ports.ts';
import { eventually } from '../../scripts/test-infra/fixtures.ts';
import { startTestStack, type TestStack } from '../../scripts/lib/test-stack.ts';
import {
  crashesAndRestarts,
  exactlyOnce,
  logSummary,
  storedCounts,
  supervisorRecords,
} from './outage-checks.ts';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres.ts';

// NOTE: which Postgres to restart. The machine's cluster is shared: integration files run one
// after another within one run, but other runs on the same machine (a second engineer's
// vitest, a Playwright run, `npm start`) use it at the same time, and a test that died between
// stop and start would leave it down for everything after it. So this test restarts a cluster
// of its own (private-postgres.ts: the machine's PostgreSQL 15 binaries, a fresh data directory,
// a free port) — the same server software, the same driver paths in ingest, and a restart that
// cannot hurt anyone else. afterAll removes it whatever happened.
const OUTAGE_MS = 15_000;
const TYPE = 'pg_restart';
const RATE = 1000;
const BATCH = 100;
// NOTE: the write-key cache must outlive the outage, or a lookup that expires inside it meets
// the dead database. 120 s > warm-up + outage + tail of this test; the default (30 s) would make
// the result depend on where the expiry falls (the cache serves no stale entry past its TTL).
process.env.WRITE_KEY_CACHE_TTL_MS = '120000';

let postgres: PrivatePostgres;
let t: TestStack;
beforeAll(async () => {
  postgres = startPrivatePostgres(await freePort());
  t = await startTestStack(['workers', 'ingest'], { postgresServer: postgres.serverUrl });
});
afterAll(async () => {
  try {
    if (postgres && !postgres.running()) postgres.start();
    await t?.stop();
  } finally {
    postgres?.destroy();
  }
});

async function canQuery(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

describe('Postgres restarted during a load', () => {
  it('keeps accepting with cached write keys while Postgres is down, and loses nothing', async () => {
    const ingest = t.stack.processes.get('ingest')!;
    const mark = t.mark();
    const accepted: string[] = [];
    const answers: Array<{ at: number; status: number }> = [];
    let stop = false;
    const load = sendSteady({
      ingestUrl: t.stack.ingestUrl,
      writeKey: t.stack.writeKey,
      eventsPerSecond: RATE,
      batchSize: BATCH,
      makeBatch: (i) => Array.from({ length: BATCH }, (_, j) => makeEvent(i * BATCH + j, 8, TYPE)),
      until: () => stop,
      onResult: (_i, status, batch: LoadEvent[]) => {
        answers.push({ at: Date.now(), status });
        if (status >= 200 && status < 300) for (const e of batch) accepted.push(e.event_id);
      },
    });

    let downFrom = 0;
    let downTo = 0;
    const readinessWhileDown: Array<{ status: number; postgres: unknown }> = [];
    try {
      await eventually(async () => accepted.length >= 5000, 60_000);
      postgres.stop();
      downFrom = Date.now();
      // Really down: a new connection is refused.
      expect(await canQuery(t.config.databaseUrl)).toBe(false);
      while (Date.now() - downFrom < OUTAGE_MS) {
        const r = await fetch(`${t.stack.ingestUrl}/readyz`);
        const body = (await r.json()) as { checks?: { postgres?: unknown } };
        readinessWhileDown.push({ status: r.status, postgres: body.checks?.postgres });
        // NOTE: the outage itself has a length; this pacing is the fault, not an assertion.
        await new Promise((r) => setTimeout(r, 1000));
      }
      downTo = Date.now();
    } finally {
      // CRITICAL: whatever failed above, the server comes back (afterAll checks again).
      if (!postgres.running()) postgres.start();
    }
    const restartedAt = Date.now();
    // Ingest's readiness sees Postgres again (its pool reconnects by itself).
    await eventually(async () => (await fetch(`${t.stack.ingestUrl}/readyz`)).status === 200, 60_000);
    const readyAgainMs = Date.now() - restartedAt;
    const tail = accepted.length;
    await eventually(async () => accepted.length >= tail + 5000, 60_000);
    stop = true;
    const result = await load;

    const duringOutage = answers.filter((a) => a.at > downFrom && a.at < downTo);
    console.log(
      `Postgres down ${((downTo - downFrom) / 1000).toFixed(1)} s; ${duringOutage.length} requests answered ` +
        `meanwhile, statuses ${JSON.stringify(countBy(duringOutage.map((a) => a.status)))}; ingest readiness ` +
        `while down ${JSON.stringify(countBy(readinessWhileDown.map((r) => `${r.status} postgres=${String(r.postgres)}`)))}, ` +
        `ready again ${(readyAgainMs / 1000).toFixed(1)} s after the restart; whole load: sent ${result.sentEvents}, ` +
        `accepted ${accepted.length}, statuses ${JSON.stringify([...result.statuses])}`,
    );
    expect(duringOutage.length).toBeGreaterThanOrEqual(50);
    expect(duringOutage.every((a) => a.status === 200)).toBe(true);
    // Readiness said the truth (Postgres unreachable) while ingest went on taking events.
    expect(readinessWhileDown.some((r) => r.status === 503 && r.postgres === false)).toBe(true);
    expect([...result.statuses.keys()]).toEqual([200]);
    expect(accepted.length).toBe(result.sentEvents);

    await eventually(async () => (await t.count(`event_type = '${TYPE}'`)).rows >= accepted.length, 180_000);
    await t.drained();
    await t.deadLettersDrained();
    const counts = await storedCounts(t, TYPE, accepted);
    const ingestRecords = crashesAndRestarts(supervisorRecords(t, 'ingest', mark).inMemory);
    console.log(
      `after recovery: ${JSON.stringify(counts)}; ingest: ${JSON.stringify(ingestRecords)}; ingest ` +
        `warnings/errors since the stop: ${JSON.stringify(logSummary(ingest.logFile, downFrom))}`,
    );
    expect(counts).toEqual(exactlyOnce(accepted.length));
    // The same ingest process carried the outage: no crash, no restart.
    expect(ingestRecords.crashes).toBe(0);
    expect(t.stack.processes.get('ingest')).toBe(ingest);
    expect(ingest.child.exitCode).toBeNull();
  }, 300_000);
});

function countBy<T extends string | number>(values: T[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}
