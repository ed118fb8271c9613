// What the browser gets when a console query fails, through the real tRPC route handler and a
// real tRPC client: ClickHouse and Postgres on closed ports, and the real ClickHouse engine
// refusing queries (too large, database missing). Plain words, a stable code, the retry flag,
// the raw text apart, and never a stack. Also /api/readyz naming what is down. Requests carry
// the seeded admin API key, resolved like any caller's (so Postgres is up unless a test downs it).
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { createServer, type AddressInfo } from 'node:net';
import { createClickHouse, insertRows, toDateTime64, type QueryTarget } from '@tributary/clickhouse';
import { createDb, type Db } from '@tributary/db';
import { createAdmin } from '@tributary/kafka';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../../../../scripts/test-infra/fixtures.ts';
import type { AppRouter } from './routers/index.ts';
import { userActor } from './auth/test-actors.ts';

let iso: Isolated;
let closedPort: number;

beforeAll(async () => {
  iso = await isolate();
  const probe = createServer();
  closedPort = await new Promise<number>((resolve) =>
    probe.listen(0, '127.0.0.1', () => resolve((probe.address() as AddressInfo).port)),
  );
  await new Promise((r) => probe.close(r));
  // NOTE: the console's env is parsed when first imported, so the app loads only after this.
  // ClickHouse is down (nothing listens there); Postgres and Kafka are real.
  process.env.CLICKHOUSE_URL = `http://127.0.0.1:${closedPort}`;
  process.env.CLICKHOUSE_DATABASE = iso.clickhouseDatabase;
  process.env.DATABASE_URL = iso.databaseUrl;
  process.env.KAFKA_BROKERS = iso.brokers;
  process.env.TOPIC_PREFIX = iso.topicPrefix;
});

afterAll(async () => {
  const { closeKafkaClients } = await import('./kafka.ts');
  const { getClickHouse } = await import('./clickhouse.ts');
  const { getDb } = await import('./db.ts');
  await closeKafkaClients();
  await getClickHouse().close();
  await getDb().$disconnect();
  await iso?.cleanup();
});

/** The request as a signed caller sends it: with the seeded admin API key. */
function authorized(input: string | URL | Request, init?: RequestInit): Request {
  const req = new Request(input, init);
  req.headers.set('authorization', `Bearer ${iso.apiKey}`);
  return req;
}

/**
 * Runs `fn` while the console's Postgres client points at a closed port.
 * NOTE: swaps the client db.ts keeps on globalThis (its dev-reload holder) and restores it.
 */
async function withPostgresDown<T>(fn: () => Promise<T>): Promise<T> {
  const { getDb } = await import('./db.ts');
  const holder = globalThis as unknown as { tributaryDb?: Db };
  const real = getDb();
  const down = createDb(`postgres://postgres@127.0.0.1:${closedPort}/tributary`);
  holder.tributaryDb = down;
  try {
    return await fn();
  } finally {
    holder.tributaryDb = real;
    await down.$disconnect();
  }
}

/** A tRPC client whose requests go to the console's route handler, as the browser's do. */
async function routeClient() {
  const route = await import('../app/api/trpc/[trpc]/route.ts');
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: 'http://console.test/api/trpc',
        fetch: async (input, init) => route.GET(authorized(input, init)),
      }),
    ],
  });
}

/** The same handler and formatter, with the ClickHouse target a test chooses. */
async function clientFor(clickhouse: QueryTarget) {
  const { appRouter } = await import('./routers/index.ts');
  const { createContext } = await import('./trpc.ts');
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: 'http://console.test/api/trpc',
        fetch: (input, init) => {
          const req = new Request(input, init);
          return fetchRequestHandler({
            endpoint: '/api/trpc',
            req,
            router: appRouter,
            createContext: async ({ resHeaders }) => ({
              ...(await createContext({ headers: req.headers, resHeaders })),
              clickhouse,
              actor: userActor('admin'),
            }),
          });
        },
      }),
    ],
  });
}

async function clientError(p: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCClientError);
  return err as TRPCClientError<AppRouter>;
}

function expectNoStack(err: TRPCClientError<AppRouter>) {
  expect(err.data).not.toHaveProperty('stack');
  expect(JSON.stringify(err.shape)).not.toMatch(/\\n\s+at |\.ts:\d+:\d+/);
}

describe('a dependency down', () => {
  it('ClickHouse on a closed port: plain words, code, retryable, raw text apart, no stack', async () => {
    const api = await routeClient();
    const err = await clientError(api.live.overview.query());
    expect(err.message).toBe('ClickHouse is not answering');
    expect(err.data).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      httpStatus: 503,
      tributaryCode: 'clickhouse_unavailable',
      retryable: true,
      path: 'live.overview',
    });
    expect(err.data?.details).toContain(`ECONNREFUSED 127.0.0.1:${closedPort}`);
    expectNoStack(err);
  });

  it('the raw HTTP answer carries the same, with a 503 status', async () => {
    const route = await import('../app/api/trpc/[trpc]/route.ts');
    const res = await route.GET(
      authorized(
        `http://console.test/api/trpc/pipeline.overview?input=${encodeURIComponent('{"window":"1h"}')}`,
      ),
    );
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).not.toContain('"stack"');
    expect(JSON.parse(text)).toMatchObject({
      error: {
        message: 'ClickHouse is not answering',
        data: { tributaryCode: 'clickhouse_unavailable', retryable: true },
      },
    });
  });

  it('Postgres on a closed port: the console says so in words (who is calling cannot be checked)', async () => {
    const api = await routeClient();
    const err = await withPostgresDown(() => clientError(api.schemas.list.query()));
    expect(err.message).toBe('The configuration database (Postgres) is not answering');
    expect(err.data).toMatchObject({
      tributaryCode: 'postgres_unavailable',
      retryable: true,
      httpStatus: 503,
    });
    expect(err.data?.details).toMatch(/Can't reach database server/);
    expect(err.data?.details).not.toMatch(/invocation|\.ts:\d+/);
    expectNoStack(err);
  });

  it('a refused input keeps its useful message and is not retryable', async () => {
    const api = await routeClient();
    const err = await clientError(api.live.tail.query({ limit: 0 }));
    expect(err.data).toMatchObject({ code: 'BAD_REQUEST', tributaryCode: 'bad_request', retryable: false });
    expect(err.message).toMatch(/limit: Too small/);
    expectNoStack(err);
  });

  it('/api/readyz answers 503 naming what is down, and Kafka as up', async () => {
    const readyz = await import('../app/api/readyz/route.ts');
    const res = await withPostgresDown(() => readyz.GET());
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; down: string[]; checks: Record<string, unknown> };
    expect(body.status).toBe('unavailable');
    expect(body.down).toEqual(['postgres', 'clickhouse']);
    expect(body.checks).toMatchObject({
      postgres: { status: 'down', code: 'postgres_unavailable' },
      clickhouse: { status: 'down', code: 'clickhouse_unavailable', message: 'ClickHouse is not answering' },
      kafka: { status: 'ok' },
    });
  });

  it('readiness is ready when all three answer', async () => {
    const { checkReadiness, pingClickHouse } = await import('./readiness.ts');
    const db = createDb(iso.databaseUrl);
    const ch = createClickHouse({ url: iso.clickhouseUrl });
    const admin = createAdmin({ brokers: iso.brokers.split(','), clientId: 'readyz-test' });
    try {
      const r = await checkReadiness({
        postgres: () => db.$queryRaw`SELECT 1`,
        clickhouse: (signal) => pingClickHouse(ch, signal),
        kafka: () => admin.listTopics(),
      });
      expect(r).toMatchObject({ status: 'ready', down: [] });
    } finally {
      await Promise.allSettled([db.$disconnect(), ch.close(), admin.close()]);
    }
  });
});

describe('the real ClickHouse engine refusing a query', () => {
  it('a query over its limit: "too large — narrow the time range", not retryable', async () => {
    const seed = createClickHouse({ url: iso.clickhouseUrl });
    const now = Date.now();
    await insertRows(
      seed,
      `${iso.clickhouseDatabase}.events`,
      Array.from({ length: 20 }, (_, i) => ({
        event_id: `big-${i}`,
        event_type: 'big',
        timestamp: toDateTime64(now - i * 1000),
        user_id: null,
        data: {},
        metadata: {},
        source: 'web',
        schema_version: 1,
        received_at: toDateTime64(now - i * 1000),
        processed_at: toDateTime64(now - i * 1000),
        inserted_at: toDateTime64(now - i * 1000),
      })),
    );
    await seed.close();
    // The limit a deployment would set for console reads, made tiny so a 20-row table exceeds it.
    const limited = createClient({
      url: iso.clickhouseUrl,
      clickhouse_settings: { max_rows_to_read: '5' },
      log: { level: ClickHouseLogLevel.OFF },
    });
    try {
      const api = await clientFor({ client: limited, database: iso.clickhouseDatabase });
      const err = await clientError(api.live.tail.query({ limit: 10 }));
      expect(err.message).toMatch(/more data than ClickHouse allows — narrow the time range/);
      expect(err.data).toMatchObject({ tributaryCode: 'query_too_large', retryable: false, httpStatus: 422 });
      expect(err.data?.details).toMatch(/max_rows_to_read/);
      expectNoStack(err);
    } finally {
      await limited.close();
    }
  });

  it('a missing database: the migrations are named, not retried', async () => {
    const ch = createClickHouse({ url: iso.clickhouseUrl });
    try {
      const api = await clientFor({ client: ch, database: `${iso.clickhouseDatabase}_missing` });
      const err = await clientError(api.live.overview.query());
      expect(err.message).toMatch(/apply the ClickHouse migrations/);
      expect(err.data).toMatchObject({ tributaryCode: 'clickhouse_schema_missing', retryable: false });
      expect(err.data?.details).toMatch(/does not exist/);
      expectNoStack(err);
    } finally {
      await ch.close();
    }
  });
});
