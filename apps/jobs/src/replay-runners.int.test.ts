// Two jobs services as real processes over one platform slice (Postgres, ClickHouse, Kafka,
// Redis): queued dead-letter replays each run once, on one of them; a replay whose runner is
// stopped (SIGTERM) is given back and continued by the other at once; one whose runner is killed
// (SIGKILL) is taken over by the other once its lease lapsed; every entry is recorded exactly once.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouse, selectRows, toDateTime64, type ClickHouseClient } from '@tributary/clickhouse';
import { REPLAY_HEADERS, topicNames, type DeadLetter, type DlqReplay } from '@tributary/contracts';
import { createDb, type Db } from '@tributary/db';
import { queueReplay, TAKEOVER_ACTOR } from '@tributary/dlq';
import { createBatchConsumer, type BatchConsumer, type IncomingMessage } from '@tributary/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ManagedProcess } from '../../../scripts/lib/processes.ts';
import { eventually, isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';
import { startJobsProcess } from '../../../scripts/test-infra/jobs-process.ts';

let iso: Isolated;
let ch: ClickHouseClient;
let db: Db;
let logDir: string;
let consumer: BatchConsumer;
const seen: IncomingMessage[] = [];
const runners = new Map<string, ManagedProcess>();
// No schema registered: the demo source accepts unknown event types, so every replay passes.
const subject = `jobs_it_${randomUUID().slice(0, 8)}`;
let writeKeyId: string;

/** One jobs service process, named `instance` on the rows it holds; resolves once /healthz answers. */
async function startJobs(instance: string): Promise<ManagedProcess> {
  const { process: p } = await startJobsProcess(iso, instance, {
    logDir,
    env: { REPLAY_SWEEP_INTERVAL_MS: '200', REPLAY_HEARTBEAT_MS: '1000' },
  });
  runners.set(instance, p);
  return p;
}

function letters(n: number, tag: string): DeadLetter[] {
  const at = new Date(Date.now() - 60_000).toISOString();
  return Array.from({ length: n }, (_, i) => {
    const event = { event_id: `${tag}-${i}`, event_type: subject, data: { i } };
    return {
      id: randomUUID(),
      event_id: event.event_id,
      stage: 'ingest',
      code: 'schema_violation',
      message: tag,
      details: {},
      payload: JSON.stringify(event),
      payload_encoding: 'utf8',
      source: 'demo',
      write_key_id: writeKeyId,
      event_type: subject,
      schema_version: 1,
      origin_topic: null,
      origin_partition: null,
      origin_offset: null,
      failed_at: at,
      attempts: 1,
    };
  });
}

async function store(rows: DeadLetter[]): Promise<void> {
  await ch.insert({
    table: `${iso.clickhouseDatabase}.dead_letters`,
    format: 'JSONEachRow',
    values: rows.map((d) => ({
      ...d,
      details: JSON.stringify(d.details),
      failed_at: toDateTime64(d.failed_at),
      first_failed_at: toDateTime64(d.failed_at),
      replay_of: '',
    })),
  });
}

/** Queues a replay of every entry stored with `tag`, as the console's replay button does. */
async function queue(tag: string, rate: number) {
  return queueReplay(
    { target: { client: ch, database: iso.clickhouseDatabase }, db },
    { selection: { kind: 'filter', filter: { reason: tag } }, rate },
    'oncall',
  );
}

/** How often each entry was recorded as replayed by `replayId`. */
async function recordedTimes(replayId: string): Promise<number[]> {
  const rows = await selectRows(
    { client: ch, database: iso.clickhouseDatabase },
    `SELECT id, count() AS n FROM {db:Identifier}.dead_letter_status WHERE replay_id = {replayId:String} GROUP BY id`,
    { replayId },
    z.object({ id: z.string(), n: z.coerce.number() }),
  );
  return rows.map((r) => r.n);
}

const sentBy = (replayId: string) => seen.filter((m) => m.headers[REPLAY_HEADERS.replayId] === replayId);
const finished = async (id: string) => {
  const r = await db.dlqReplay.findUniqueOrThrow({ where: { id } });
  return r.state === 'completed' || r.state === 'failed' ? r : null;
};

beforeAll(async () => {
  iso = await isolate();
  logDir = mkdtempSync(join(tmpdir(), 'jobs-it-'));
  ch = createClickHouse({ url: iso.clickhouseUrl });
  db = createDb(iso.databaseUrl);
  writeKeyId = (await db.writeKey.findFirstOrThrow()).id;
  consumer = createBatchConsumer({
    brokers: iso.brokers.split(','),
    clientId: `jobs-it-${iso.id}`,
    groupId: `jobs-it-${randomUUID()}`,
    topics: [topicNames(iso.topicPrefix).events],
  });
  void consumer.start(async (batch) => {
    seen.push(...batch.messages);
  });
  await Promise.all([startJobs('jobs-a'), startJobs('jobs-b')]);
});

afterAll(async () => {
  await Promise.all([...runners.values()].map((p) => p.stop()));
  await consumer?.stop();
  await db?.$disconnect();
  await ch?.close();
  await iso?.cleanup();
  if (process.env.TRIBUTARY_KEEP_TEST_STATE !== '1') rmSync(logDir, { recursive: true, force: true });
});

describe('two jobs services', () => {
  it('run each queued replay exactly once, between them', async () => {
    const replays: DlqReplay[] = [];
    for (let i = 0; i < 6; i++) {
      await store(letters(20, `many-${i}`));
      replays.push(await queue(`many-${i}`, 400));
    }
    const ended = await Promise.all(replays.map((r) => eventually(() => finished(r.id), 60_000)));
    for (const r of ended) {
      expect(r).toMatchObject({ state: 'completed', processed: 20, sent: 20, failedAgain: 0 });
      expect(await recordedTimes(r.id)).toEqual(Array(20).fill(1));
      const audit = await db.auditLog.findMany({ where: { entityId: r.id }, orderBy: { at: 'asc' } });
      expect(audit.map((a) => a.action)).toEqual(['dlq.replay', 'dlq.replay_finished']);
    }
    await eventually(() => replays.every((r) => sentBy(r.id).length >= 20));
    for (const r of replays) expect(sentBy(r.id)).toHaveLength(20);
    const byRunner = new Map<string, number>();
    for (const r of ended) byRunner.set(r.runner!, (byRunner.get(r.runner!) ?? 0) + 1);
    console.log(`replays per runner: ${JSON.stringify(Object.fromEntries(byRunner))}`);
  });

  it('a stopping runner gives its replay back and the other continues it', async () => {
    const batch = letters(100, 'handoff');
    await store(batch);
    const replay = await queue('handoff', 20);
    const holding = await eventually(async () => {
      const r = await db.dlqReplay.findUniqueOrThrow({ where: { id: replay.id } });
      return r.processed >= 20 && r.runner ? r.runner : null;
    });
    const other = holding === 'jobs-a' ? 'jobs-b' : 'jobs-a';
    await runners.get(holding)!.stop();
    runners.delete(holding);
    const done = await eventually(() => finished(replay.id), 60_000);
    expect(done).toMatchObject({ state: 'completed', runner: other, processed: 100, sent: 100 });
    expect(await recordedTimes(replay.id)).toEqual(Array(100).fill(1));
    // Given back in order: nothing sent twice.
    await eventually(() => sentBy(replay.id).length >= 100);
    expect(new Set(sentBy(replay.id).map((m) => m.key)).size).toBe(100);
    expect(sentBy(replay.id)).toHaveLength(100);
    await startJobs(holding);
  });

  it('a killed runner’s replay is taken over by the other once its lease lapsed', async () => {
    const batch = letters(200, 'takeover');
    await store(batch);
    const replay = await queue('takeover', 20);
    const holding = await eventually(async () => {
      const r = await db.dlqReplay.findUniqueOrThrow({ where: { id: replay.id } });
      return r.processed >= 40 && r.runner ? r.runner : null;
    });
    const other = holding === 'jobs-a' ? 'jobs-b' : 'jobs-a';
    const killed = runners.get(holding)!;
    killed.child.kill('SIGKILL');
    await killed.exit;
    runners.delete(holding);

    const done = await eventually(() => finished(replay.id), 120_000);
    expect(done).toMatchObject({ state: 'completed', runner: other, total: 200, processed: 200 });
    const audit = await db.auditLog.findMany({ where: { entityId: replay.id }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['dlq.replay', 'dlq.replay_resumed', 'dlq.replay_finished']);
    expect(audit[1]).toMatchObject({ actor: TAKEOVER_ACTOR });
    // Every entry recorded once; a page sent but not yet recorded when the process died is sent
    // again (the workers drop the copy by event identity), so Kafka may hold one page twice.
    expect(await recordedTimes(replay.id)).toEqual(Array(200).fill(1));
    await eventually(() => new Set(sentBy(replay.id).map((m) => m.key)).size >= 200);
    expect(sentBy(replay.id).length - 200).toBeLessThanOrEqual(10);
  });
});
