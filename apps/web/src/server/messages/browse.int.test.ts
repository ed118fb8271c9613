// The message browser end to end against the real Kafka broker and Postgres: 100k events packed
// as ingest packs them, one of them the needle; POST /api/messages/browse (the route's own
// function, as Next calls it) finds exactly it; starts by offset, time and newest are honoured;
// a bad filter is refused before any scan; Stop (an aborted request or a cancelled body) ends the
// server-side scan and closes its Kafka client; pii stays masked — in results and to filters —
// for callers without pii:read; the per-actor limit on running scans holds.
import { createDb, issueApiKey } from '@tributary/db';
import { topicNames, type DeadLetter } from '@tributary/contracts';
import { createProducer, type Producer } from '@tributary/kafka';
import { registerVersion } from '@tributary/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, isolate, type Isolated } from '../../../../../scripts/test-infra/fixtures.ts';
import { browseFrameSchema, type BrowseFrame } from './frames.ts';
import { NEEDLE_PLAN, produceAll, sampleEnvelope, sampleMessages, traceparentFor } from './sample-events.ts';

const EVENTS = 100_000;
const NEEDLE_AT = 91_234;
const PARTITIONS = 6;

let iso: Isolated;
let producer: Producer;
let topics: ReturnType<typeof topicNames>;
let viewerKey: string;
let messageCount = 0;
let route: typeof import('./browse-route.ts');
let slots: typeof import('./scan-slots.ts');
let metrics: typeof import('./scan-metrics.ts');

beforeAll(async () => {
  iso = await isolate();
  topics = topicNames(iso.topicPrefix);
  // NOTE: the console's env is parsed when first imported, so its modules load after this.
  process.env.DATABASE_URL = iso.databaseUrl;
  process.env.KAFKA_BROKERS = iso.brokers;
  process.env.TOPIC_PREFIX = iso.topicPrefix;
  route = await import('./browse-route.ts');
  slots = await import('./scan-slots.ts');
  metrics = await import('./scan-metrics.ts');

  const db = createDb(iso.databaseUrl);
  viewerKey = (await issueApiKey(db, { name: 'browser-viewer', scopes: ['schemas:read'] })).key;
  await registerVersion(
    db,
    'signup',
    { type: 'object' },
    { actor: 'test', fieldTags: { '/email': ['pii'] } },
  );
  await db.$disconnect();

  producer = createProducer({ brokers: iso.brokers.split(','), clientId: 'browser-it' });
  const messages = sampleMessages({
    events: EVENTS,
    partitions: PARTITIONS,
    perMessage: 50,
    needleAt: NEEDLE_AT,
  });
  messageCount = messages.length;
  await produceAll(producer, topics.events, messages);
  // A pii-tagged event type, in the last message of partition 0.
  await producer.send(topics.events, [
    {
      partition: 0,
      value: JSON.stringify([
        {
          ...sampleEnvelope(0, {}),
          event_id: 'signup-1',
          event_type: 'signup',
          data: { email: 'secret.person@example.com', plan: 'pro' },
        },
      ]),
    },
  ]);
  messageCount += 1;
});

afterAll(async () => {
  await producer?.close();
  await iso?.cleanup();
});

function post(
  body: unknown,
  opts: { key?: string | null; signal?: AbortSignal; slow?: boolean } = {},
): Promise<Response> {
  const key = opts.key === undefined ? iso.apiKey : opts.key;
  return route.browseMessagesRoute(
    new Request('http://127.0.0.1:3000/api/messages/browse', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
      ...(opts.signal ? { signal: opts.signal } : {}),
    }),
    // A progress line after every fetch round, so a test can stop a scan that is under way.
    opts.slow ? { limits: { fetchBytesPerPartition: 16 * 1024, progressEveryMs: 0 } } : {},
  );
}

async function* frames(res: Response): AsyncGenerator<BrowseFrame> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        yield browseFrameSchema.parse(JSON.parse(line));
      }
    }
  } finally {
    reader.releaseLock();
  }
}

async function all(res: Response): Promise<BrowseFrame[]> {
  expect(res.status, await peekError(res)).toBe(200);
  const out: BrowseFrame[] = [];
  for await (const f of frames(res)) out.push(f);
  return out;
}

async function peekError(res: Response): Promise<string> {
  return res.status === 200 ? '' : await res.clone().text();
}

const eventsOf = (fs: BrowseFrame[]) => fs.flatMap((f) => (f.type === 'event' ? [f.event] : []));
const endOf = (fs: BrowseFrame[]) => {
  const end = fs.at(-1);
  if (end?.type !== 'end') throw new Error(`no end frame: ${JSON.stringify(end)}`);
  return end;
};

describe('the message browser', () => {
  it('finds exactly the one matching event among 100k packed events, with its coordinates and trace id', async () => {
    const fs = await all(
      await post({
        topic: topics.events,
        start: { kind: 'earliest' },
        filter: `data.plan == "${NEEDLE_PLAN}"`,
      }),
    );
    const found = eventsOf(fs);
    expect(found).toHaveLength(1);
    const needle = found[0]!;
    expect(needle.value).toMatchObject({ event_id: `ev-${NEEDLE_AT}`, data: { plan: NEEDLE_PLAN } });
    expect(needle.traceId).toBe(traceparentFor(NEEDLE_AT).split('-')[1]);
    expect(needle.of).toBe(50);
    expect(needle.headers.traceparent).toMatch(/^00-/);
    expect(needle.timestamp).toBeGreaterThan(0);
    const end = endOf(fs);
    expect(end.reason).toBe('done');
    expect(end.progress.scanned).toBe(messageCount);
    // Only the needle's message holds the text "needle-plan": the others are never decoded.
    expect(end.progress.skipped).toBe(messageCount - 1);
    expect(end.progress.events).toBe(50);
    expect(end.progress.matched).toBe(1);
    // `data.plan` exists on every sample, so no evaluation failed.
    expect(end.progress.evalErrors).toBe(0);
    expect(fs[0]).toMatchObject({ type: 'started', kind: 'events' });
  });

  it('finds it by a filter with no text to look for, decoding and evaluating all 100k events', async () => {
    const fs = await all(
      await post({
        topic: topics.events,
        start: { kind: 'earliest' },
        filter: `data.n == ${NEEDLE_AT} && data.plan != "pro"`,
      }),
    );
    expect(eventsOf(fs).map((e) => (e.value as { event_id: string }).event_id)).toEqual([`ev-${NEEDLE_AT}`]);
    const end = endOf(fs);
    expect(end.progress).toMatchObject({ scanned: messageCount, skipped: 0, events: EVENTS + 1, matched: 1 });
  });

  it('refuses a bad filter with the reason, before scanning', async () => {
    const res = await post({ topic: topics.events, filter: 'data.plan == ' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toMatch(/^filter: /);
    const notBool = await post({ topic: topics.events, filter: '1 + 2' });
    expect(notBool.status).toBe(400);
    expect(await notBool.text()).toMatch(/true or false/);
    const noPartition = await post({ topic: topics.events, partitions: [99] });
    expect(noPartition.status).toBe(400);
    expect(await noPartition.text()).toMatch(/no partition 99/);
    const noAuth = await post({ topic: topics.events }, { key: null });
    expect(noAuth.status).toBe(401);
  });

  it('honours an offset start on one partition, and newest N per partition', async () => {
    const fs = await all(
      await post({
        topic: topics.events,
        partitions: [2],
        start: { kind: 'offset', offset: '10' },
        maxResults: 5,
      }),
    );
    const found = eventsOf(fs);
    expect(found).toHaveLength(5);
    expect(found.every((e) => e.partition === 2)).toBe(true);
    // The first message read is offset 10; it holds 50 events, so the first five come from it.
    expect(found.map((e) => e.offset)).toEqual(['10', '10', '10', '10', '10']);
    expect(found.map((e) => e.index)).toEqual([0, 1, 2, 3, 4]);
    expect(endOf(fs).reason).toBe('max_results');

    const newest = await all(
      await post({ topic: topics.events, start: { kind: 'newest', count: 3 }, maxResults: 1000 }),
    );
    const end = endOf(newest);
    expect(end.reason).toBe('done');
    expect(end.progress.scanned).toBe(3 * PARTITIONS);
    const started = newest[0]!;
    if (started.type !== 'started') throw new Error('no started frame');
    for (const p of started.partitions) expect(BigInt(p.end) - BigInt(p.from)).toBe(3n);
  });

  it('honours a time start: only messages written at or after it are read', async () => {
    const at = new Date();
    await new Promise((r) => setTimeout(r, 5));
    const late = sampleMessages({ events: 30, partitions: PARTITIONS, perMessage: 10, idPrefix: 'late' });
    await produceAll(producer, topics.events, late);
    messageCount += late.length;
    const fs = await all(
      await post({ topic: topics.events, start: { kind: 'time', at: at.toISOString() }, maxResults: 1000 }),
    );
    const found = eventsOf(fs);
    expect(found).toHaveLength(30);
    expect(found.every((e) => (e.value as { event_id: string }).event_id.startsWith('late-'))).toBe(true);
    expect(endOf(fs).progress.scanned).toBe(late.length);
  });

  it('masks pii for a caller without pii:read, in results and to the filter', async () => {
    const byEmail = {
      topic: topics.events,
      partitions: [0],
      start: { kind: 'earliest' },
      filter: 'data.email == "secret.person@example.com"',
    };
    const admin = eventsOf(await all(await post(byEmail)));
    expect(admin).toHaveLength(1);
    expect(JSON.stringify(admin[0]!.value)).toContain('secret.person@example.com');

    const viewerByEmail = await all(await post(byEmail, { key: viewerKey }));
    expect(eventsOf(viewerByEmail)).toHaveLength(0);
    const viewer = await all(
      await post({ ...byEmail, filter: 'event_type == "signup"' }, { key: viewerKey }),
    );
    expect(eventsOf(viewer)).toHaveLength(1);
    const text = JSON.stringify(viewer);
    expect(text).not.toContain('secret.person@example.com');
    expect(text).toContain('••• pii •••');
  });

  it('reads dead-letter records, filtered by their fields', async () => {
    const dl: DeadLetter = {
      id: 'dl-1',
      event_id: 'bad-1',
      stage: 'worker',
      code: 'browser_test_code',
      message: 'failed for the test',
      payload: JSON.stringify({ event_id: 'bad-1', event_type: 'page_view', data: { plan: 'x' } }),
      payload_encoding: 'utf8',
      source: 'demo',
      write_key_id: null,
      event_type: 'page_view',
      schema_version: null,
      origin_topic: topics.events,
      origin_partition: 1,
      origin_offset: '5',
      failed_at: new Date().toISOString(),
      attempts: 1,
    };
    await producer.send(topics.deadLetters, [{ key: dl.event_id, value: JSON.stringify(dl) }]);
    const fs = await all(
      await post({
        topic: topics.deadLetters,
        start: { kind: 'earliest' },
        filter: 'metadata.code == "browser_test_code" && data.plan == "x"',
      }),
    );
    expect(fs[0]).toMatchObject({ type: 'started', kind: 'dead_letters' });
    expect(eventsOf(fs).map((e) => (e.value as DeadLetter).id)).toEqual(['dl-1']);
  });

  it('stops the server-side scan and closes its Kafka client when the request is aborted', async () => {
    const stoppedBefore = await stoppedScans();
    const ac = new AbortController();
    const res = await post(
      { topic: topics.events, start: { kind: 'earliest' }, filter: 'data.plan == "nothing matches"' },
      { signal: ac.signal, slow: true },
    );
    expect(res.status).toBe(200);
    // Small fetches and a progress line per round: the scan is well under way but far from done.
    let progressed = 0;
    for await (const f of frames(res)) {
      if (f.type === 'progress') progressed = f.progress.scanned;
      if (progressed > 0) break;
    }
    expect(slots.runningScans()).toBe(1);
    ac.abort();
    await eventually(() => expect(slots.runningScans()).toBe(0));
    await eventually(async () => expect(await stoppedScans()).toBe(stoppedBefore + 1));
  });

  it('stops the scan when the reader cancels the response body (the Stop button)', async () => {
    const stoppedBefore = await stoppedScans();
    const res = await post(
      { topic: topics.events, start: { kind: 'earliest' }, filter: 'data.plan == "nothing"' },
      { slow: true },
    );
    const reader = res.body!.getReader();
    await reader.read();
    expect(slots.runningScans()).toBe(1);
    await reader.cancel();
    await eventually(() => expect(slots.runningScans()).toBe(0));
    await eventually(async () => expect(await stoppedScans()).toBe(stoppedBefore + 1));
  });

  it('allows three running scans per caller and refuses a fourth with 429', async () => {
    const body = { topic: topics.events, start: { kind: 'earliest' }, filter: 'data.plan == "none"' };
    const running = [await post(body), await post(body), await post(body)];
    expect(running.map((r) => r.status)).toEqual([200, 200, 200]);
    const fourth = await post(body);
    expect(fourth.status).toBe(429);
    // Another caller is not affected.
    const other = await post(body, { key: viewerKey });
    expect(other.status).toBe(200);
    await Promise.all([...running, other].map((r) => r.body!.cancel()));
    await eventually(() => expect(slots.runningScans()).toBe(0));
  });
});

async function stoppedScans(): Promise<number> {
  const m = await metrics.browserMetrics().scans.get();
  return m.values.find((v) => v.labels.end === 'stopped')?.value ?? 0;
}
