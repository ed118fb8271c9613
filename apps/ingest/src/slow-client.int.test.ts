import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';
import { parseEnv } from './env.ts';
import { createIngestService, type IngestService } from './service.ts';

// Ingest with its default timeouts: whatever a slow client does, its socket is cut well within
// this bound (defaults: headers 10 s, whole request 20 s).
const CUT_WITHIN_MS = 30_000;

let iso: Isolated;
let service: IngestService;
let port: number;

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
      REDIS_URL: iso.redisUrl,
      REDIS_PREFIX: iso.redisPrefix,
      LOG_LEVEL: 'silent',
    }),
  );
  port = Number(new URL(await service.start()).port);
});
afterAll(async () => {
  await service?.stop();
  await iso?.cleanup();
});

/**
 * Writes `head` at once, then `drip` one byte a second, and resolves with what the server sent
 * back and whether it closed the socket before CUT_WITHIN_MS (the client gives up then).
 */
function dripFeed(head: string, drip: string): Promise<{ closedByServer: boolean; answer: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let i = 0;
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => finish(false), CUT_WITHIN_MS);
    function finish(closedByServer: boolean) {
      clearTimeout(giveUp);
      clearInterval(timer);
      socket.destroy();
      resolve({ closedByServer, answer });
    }
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (i < drip.length && !socket.destroyed) socket.write(drip[i++]!);
      }, 1000);
    });
  });
}

describe('slow clients are cut', () => {
  it('a body sent at one byte a second, and headers sent at one byte a second, are both cut within 30 s', async () => {
    const body = JSON.stringify({ event_type: 'slow_client', data: { pad: 'x'.repeat(200) } });
    const [slowBody, slowHeaders] = await Promise.all([
      dripFeed(
        `POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${iso.writeKey}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
        body,
      ),
      dripFeed('', `POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'p'.repeat(200)}\r\n\r\n`),
    ]);
    expect(slowBody.closedByServer).toBe(true);
    // Node answers a request that outlived requestTimeout with 408 before closing.
    expect(slowBody.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(slowHeaders.closedByServer).toBe(true);
    // The service is still fine for everyone else.
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
  }, 60_000);
});
