// Readiness against real sockets: closed ports for all three dependencies, and a server that
// accepts and never answers, which must be reported as down within the probe's timeout.
import { createServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { createClickHouse } from '@tributary/clickhouse';
import { createDb } from '@tributary/db';
import { createAdmin } from '@tributary/kafka';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkReadiness, pingClickHouse } from './readiness.ts';

let closedPort: number;
let hang: Server;
let hangUrl: string;
const hanging: ServerResponse[] = [];

function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

beforeAll(async () => {
  const probe = createTcpServer();
  closedPort = await listen(probe);
  await new Promise((r) => probe.close(r));
  hang = createServer((_req, res) => void hanging.push(res));
  hangUrl = `http://127.0.0.1:${await listen(hang)}`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  await new Promise((r) => hang?.close(r));
});

it('names every dependency that is down, with the reason in plain words', async () => {
  const db = createDb(`postgres://postgres@127.0.0.1:${closedPort}/tributary`);
  const clickhouse = createClickHouse({ url: `http://127.0.0.1:${closedPort}` });
  const admin = createAdmin({ brokers: [`127.0.0.1:${closedPort}`], clientId: 'readiness-test' });
  try {
    const r = await checkReadiness({
      postgres: () => db.$queryRaw`SELECT 1`,
      clickhouse: (signal) => pingClickHouse(clickhouse, signal),
      kafka: () => admin.listTopics(),
    });
    expect(r.status).toBe('unavailable');
    expect(r.down).toEqual(['postgres', 'clickhouse', 'kafka']);
    expect(r.checks.postgres).toMatchObject({ status: 'down', code: 'postgres_unavailable' });
    expect(r.checks.clickhouse).toMatchObject({
      status: 'down',
      code: 'clickhouse_unavailable',
      message: 'ClickHouse is not answering',
    });
    expect(r.checks.kafka).toMatchObject({ status: 'down', code: 'kafka_unavailable' });
  } finally {
    await Promise.allSettled([db.$disconnect(), clickhouse.close(), admin.close()]);
  }
});

it('reports a dependency that accepts and never answers as down when its probe times out', async () => {
  const clickhouse = createClickHouse({ url: hangUrl });
  try {
    const r = await checkReadiness(
      {
        postgres: async () => undefined,
        clickhouse: (signal) => pingClickHouse(clickhouse, signal),
        kafka: () => new Promise(() => {}),
      },
      { timeoutMs: 300 },
    );
    expect(r.down).toEqual(['clickhouse', 'kafka']);
    expect(r.checks.postgres).toMatchObject({ status: 'ok' });
    expect(r.checks.clickhouse).toMatchObject({
      status: 'down',
      code: 'clickhouse_unavailable',
      message: 'no answer within 300 ms',
    });
    // The abort reached the ping's request: the hung server saw its socket close.
    await expect.poll(() => hanging.every((res) => res.destroyed || res.req.destroyed)).toBe(true);
  } finally {
    await clickhouse.close();
  }
});

it('is ready when every probe answers', async () => {
  const ok = async () => undefined;
  const r = await checkReadiness({ postgres: ok, clickhouse: ok, kafka: ok });
  expect(r).toMatchObject({ status: 'ready', down: [] });
  expect(r.checks.kafka.status).toBe('ok');
});
