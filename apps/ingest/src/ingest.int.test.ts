import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deadLetterSchema,
  decodeEventsMessage,
  envelopeSchema,
  partitionForEventId,
  topicNames,
} from '@tributary/contracts';
import { createBatchConsumer, type IncomingMessage } from '@tributary/kafka';
import { eventually, isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';
import { parseEnv } from './env.ts';
import { createIngestService, type IngestService } from './service.ts';

let iso: Isolated;
let service: IngestService;
let url: string;

const envOf = (extra: Record<string, string> = {}) =>
  parseEnv({
    PORT: '0',
    KAFKA_BROKERS: iso.brokers,
    TOPIC_PREFIX: iso.topicPrefix,
    DATABASE_URL: iso.databaseUrl,
    CLICKHOUSE_URL: iso.clickhouseUrl,
    CLICKHOUSE_DATABASE: iso.clickhouseDatabase,
    LOG_LEVEL: 'silent',
    ...extra,
  });

beforeAll(async () => {
  iso = await isolate();
  service = createIngestService(
    parseEnv({
      PORT: '0',
      KAFKA_BROKERS: iso.brokers,
      TOPIC_PREFIX: iso.topicPrefix,
      DATABASE_URL: iso.databaseUrl,
      CLICKHOUSE_URL: iso.clickhouseUrl,
      CLICKHOUSE_DATABASE: iso.clickhouseDatabase,
      INGEST_MAX_BODY_BYTES: String(64 * 1024),
      LOG_LEVEL: 'silent',
    }),
  );
  url = await service.start();
});
afterAll(async () => {
  await service?.stop();
  await iso?.cleanup();
});

function post(body: string | Buffer, headers: Record<string, string> = {}) {
  return fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${iso.writeKey}`, 'content-type': 'application/json', ...headers },
    body,
  });
}

function envelopesOf(m: IncomingMessage) {
  const decoded = decodeEventsMessage(m.value);
  if (!decoded.ok) throw new Error(decoded.reason);
  return decoded.items.map((i) => envelopeSchema.parse(i));
}

/** Everything on a topic from the beginning, read by a fresh consumer group. */
async function readTopic(topic: string, atLeast: number): Promise<IncomingMessage[]> {
  const seen: IncomingMessage[] = [];
  const consumer = createBatchConsumer({
    brokers: iso.brokers.split(','),
    clientId: 'it-reader',
    groupId: `it-reader-${Math.random().toString(36).slice(2)}`,
    topics: [topic],
    fromBeginning: true,
    maxWaitMs: 100,
  });
  await consumer.start(async (batch) => {
    seen.push(...batch.messages);
  });
  try {
    await eventually(async () => seen.length >= atLeast, 30_000);
  } finally {
    await consumer.stop();
  }
  return seen;
}

describe('ingest against real Kafka and Postgres', () => {
  it('refuses bad bodies with their documented status and writes nothing for them', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    const cases: Array<[string, Promise<Response>, number, RegExp]> = [
      ['malformed JSON', post('{"event_type": '), 400, /Malformed JSON/],
      ['wrong content type', post('{}', { 'content-type': 'text/html' }), 415, /Content-Type/],
      [
        'body over the limit',
        post(JSON.stringify({ event_type: 'a', data: { x: 'y'.repeat(100_000) } })),
        413,
        /exceeds/,
      ],
      ['gzip bomb', post(bomb, { 'content-encoding': 'gzip' }), 413, /inflates beyond/],
      ['invalid UTF-8', post(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])), 400, /UTF-8/],
      ['deeply nested JSON', post('['.repeat(10_000) + ']'.repeat(10_000)), 400, /nested too deeply/],
      [
        'unknown key',
        post('{"event_type":"a"}', { authorization: 'Bearer trb_wk_nope' }),
        401,
        /Unknown or revoked/,
      ],
      ['no key', post('{"event_type":"a"}', { authorization: '' }), 401, /Missing write key/],
      [
        'other source',
        post('{"event_type":"a"}', { 'x-tributary-source': 'someone-else' }),
        403,
        /may not send/,
      ],
    ];
    for (const [name, response, status, message] of cases) {
      const res = await response;
      const body = (await res.json()) as { error: { message: string } };
      expect({ name, status: res.status }).toEqual({ name, status });
      expect(body.error.message, name).toMatch(message);
    }
    // The service is still up, and none of the above reached Kafka: the only message on the
    // events topic is the marker sent now.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ok = await post(JSON.stringify({ event_type: 'marker', event_id: 'marker-1' }));
    expect(ok.status).toBe(200);
    const messages = await readTopic(topicNames(iso.topicPrefix).events, 1);
    expect(messages.flatMap((m) => envelopesOf(m)).map((e) => e.event_id)).toEqual(['marker-1']);
  });

  it('accepts valid events and reports invalid ones by index, storing them on the dead-letter topic', async () => {
    const body = [
      '{"event_id":"ok-1","event_type":"page_view","data":{"path":"/"}}',
      '{"event_id":"bad-1","data":{}}',
      '{"event_id":"ok-2","event_type":"purchase","timestamp":"2026-11-22T10:00:00+01:00","data":{"sku":"team","amount":5,"currency":"USD"}}',
      '{"event_id":"bad-2","event_type":"x","timestamp":"soon"}',
    ].join('\n');
    const res = await post(body, { 'content-type': 'application/x-ndjson' });
    expect(res.status).toBe(200);
    const json = (await res.json()) as {
      accepted: number;
      rejected: number;
      results: Array<Record<string, unknown>>;
    };
    expect(json.accepted).toBe(2);
    expect(json.rejected).toBe(2);
    expect(json.results[1]).toMatchObject({ index: 1, event_id: 'bad-1', status: 'rejected' });
    expect(json.results[3]).toMatchObject({ index: 3, event_id: 'bad-2', status: 'rejected' });
    expect(String((json.results[1]!.reasons as string[])[0])).toMatch(/event_type/);

    // Dead letters are spread over partitions: compare them in event_id order.
    const dead = (await readTopic(topicNames(iso.topicPrefix).deadLetters, 2))
      .map((m) => deadLetterSchema.parse(JSON.parse(m.value.toString())))
      .sort((a, b) => a.event_id.localeCompare(b.event_id));
    expect(dead.map((d) => [d.event_id, d.stage, d.code])).toEqual([
      ['bad-1', 'ingest', 'invalid_envelope'],
      ['bad-2', 'ingest', 'invalid_envelope'],
    ]);
    expect(dead[0]!.payload).toBe('{"event_id":"bad-1","data":{}}');

    // Events travel packed per partition, each on the partition its event_id maps to.
    const messages = await readTopic(topicNames(iso.topicPrefix).events, 2);
    const placed = messages.flatMap((m) =>
      envelopesOf(m).map((e) => ({ e, partition: m.partition, headers: m.headers })),
    );
    const ok2 = placed.find((x) => x.e.event_id === 'ok-2')!;
    expect(ok2.e.timestamp).toBe('2026-11-22T09:00:00.000Z');
    expect(ok2.e.source).toBe('demo');
    expect(ok2.e.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    expect(ok2.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    for (const x of placed) expect(x.partition).toBe(partitionForEventId(x.e.event_id, 6));
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/ingest_events_total\{result="accepted",service="ingest"\} \d+/);
    expect(metrics).toContain('ingest_request_duration_seconds_bucket');
  });
});

describe('listening beyond loopback', () => {
  it('refuses to start without METRICS_TOKEN', async () => {
    const open = createIngestService(envOf({ HOST: '0.0.0.0' }));
    try {
      await expect(open.start()).rejects.toThrow(
        /ingest: refusing to listen on 0.0.0.0 without METRICS_TOKEN/,
      );
    } finally {
      await open.stop();
    }
  });

  it('serves /metrics only with the token once one is set', async () => {
    const token = 'ingest-metrics-token-0123';
    const guarded = createIngestService(envOf({ METRICS_TOKEN: token }));
    try {
      const at = await guarded.start();
      expect((await fetch(`${at}/metrics`)).status).toBe(401);
      const ok = await fetch(`${at}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('ingest_request_duration_seconds');
    } finally {
      await guarded.stop();
    }
  });
});
