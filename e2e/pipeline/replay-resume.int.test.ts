import { randomUUID } from 'node:crypto';
import { topicNames, type DlqReplay } from '@tributary/contracts';
import { createDb, type Db } from '@tributary/db';
import { createProducer, type Producer } from '@tributary/kafka';
import { publishSubject, registerVersion } from '@tributary/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAKEOVER_ACTOR } from '@tributary/dlq';
import { eventually } from '../../scripts/test-infra/fixtures.ts';
import { startTestStack, type TestStack } from '../../scripts/lib/test-stack.ts';

/**
 * The console queues a replay; the jobs service runs it. Kill the jobs service mid-replay and
 * start it again: the replay is resumed without anyone pressing Resume, and every event lands
 * exactly once.
 */
let t: TestStack;
let db: Db;
let producer: Producer;
const subject = `resume_${randomUUID().slice(0, 8)}`;
const N = 300;
const RATE = 20;

beforeAll(async () => {
  t = await startTestStack(['workers', 'ingest', 'web', 'jobs']);
  db = createDb(t.config.databaseUrl);
  producer = createProducer({ brokers: t.stack.brokers.split(','), clientId: 'resume-it', ...t.kafkaAdmin });
  await registerVersion(
    db,
    subject,
    { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } },
    { actor: 'test' },
  );
  await publishSubject(producer, topicNames(t.config.topicPrefix).control, db, subject);
});

afterAll(async () => {
  await producer?.close();
  await db?.$disconnect();
  await t?.stop();
});

async function ingest(events: object[]): Promise<{ results: Array<{ status: string }> }> {
  const res = await fetch(`${t.stack.ingestUrl}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.stack.writeKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { results: Array<{ status: string }> };
}

/** A console procedure over HTTP, as the demo admin key calls it. */
async function trpc<T>(path: string, input: unknown, method: 'GET' | 'POST'): Promise<T> {
  const url = `${t.stack.webUrl}/api/trpc/${path}`;
  const authorization = `Bearer ${t.stack.apiKey}`;
  const res =
    method === 'GET'
      ? await fetch(`${url}?input=${encodeURIComponent(JSON.stringify(input))}`, {
          headers: { authorization },
        })
      : await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: JSON.stringify(input),
        });
  const body = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!body.result) throw new Error(`${path}: ${res.status} ${JSON.stringify(body.error)}`);
  return body.result.data;
}

const deadLetters = async () => {
  const rs = await t.clickhouse.query({
    query: `SELECT uniqExact(id) AS n FROM dead_letters WHERE event_type = {type:String}`,
    query_params: { type: subject },
    format: 'JSONEachRow',
  });
  return Number((await rs.json<{ n: string }>())[0]?.n ?? 0);
};

describe('a replay whose jobs service is killed', () => {
  it('is resumed by the restarted jobs service and lands every event exactly once', async () => {
    const events = Array.from({ length: N }, (_, i) => ({
      event_id: `resume-${subject}-${i}`,
      event_type: subject,
      data: { amount: `${i}` },
    }));
    // Until ingest applied the subject, a probe is accepted: probe with a throwaway id.
    const probe = { ...events[0]!, event_id: `probe-${subject}` };
    expect(await eventually(async () => (await ingest([probe])).results[0]?.status === 'rejected')).toBe(
      true,
    );
    await ingest(events);
    await eventually(async () => (await deadLetters()) >= N + 1, 60_000);

    await registerVersion(
      db,
      subject,
      { type: 'object', required: ['amount'], properties: { amount: { type: ['number', 'string'] } } },
      { actor: 'test' },
    );
    const selection = {
      kind: 'filter',
      filter: { eventType: subject, text: `resume-${subject}-` },
    };
    const started = await trpc<DlqReplay>('dlq.replay', { selection, rate: RATE }, 'POST');
    expect(started).toMatchObject({ state: 'running', total: N });

    // Kill the jobs service a few pages in, then start it again.
    await eventually(async () => {
      const r = await trpc<DlqReplay>('dlq.replayStatus', { id: started.id }, 'GET');
      return r.processed >= 40;
    }, 30_000);
    const jobs = t.stack.processes.get('jobs')!;
    jobs.child.kill('SIGKILL');
    await jobs.exited;
    const killedAt = Date.now();
    const cut = await db.dlqReplay.findUniqueOrThrow({ where: { id: started.id } });
    expect(cut.state).toBe('running');
    expect(cut.processed).toBeLessThan(N);
    await t.stack.startApp('jobs');
    expect(await trpc<DlqReplay>('dlq.replayStatus', { id: started.id }, 'GET')).toMatchObject({
      state: expect.stringMatching(/running|interrupted/),
    });

    // Nobody presses Resume: the restarted jobs service takes it over once its lease lapsed.
    await eventually(async () => {
      const r = await db.dlqReplay.findUniqueOrThrow({ where: { id: started.id } });
      return r.state === 'completed';
    }, 150_000);
    const done = await trpc<DlqReplay>('dlq.replayStatus', { id: started.id }, 'GET');
    console.log(
      `killed after ${cut.processed} of ${N}; resumed and completed ${((Date.now() - killedAt) / 1000).toFixed(0)} s after the kill`,
    );
    expect(done).toMatchObject({ state: 'completed', total: N, processed: N, failedAgain: 0 });
    const audit = await db.auditLog.findMany({ where: { entityId: started.id }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['dlq.replay', 'dlq.replay_resumed', 'dlq.replay_finished']);
    expect(audit[1]?.actor).toBe(TAKEOVER_ACTOR);

    // (A probe sent before ingest enforced the schema may be stored too: count the replayed ids.)
    const ours = `event_type = '${subject}' AND startsWith(event_id, 'resume-')`;
    await eventually(async () => (await t.count(ours)).rows >= N, 90_000);
    await t.drained();
    expect(await t.count(ours)).toEqual({ rows: N, distinct: N });
    // Nothing failed again on the way; the probe is the one entry left pending.
    expect(await deadLetters()).toBe(N + 1);
  });
});
