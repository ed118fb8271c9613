// The classifier against real failures: ClickHouseError instances that @clickhouse/client builds
// from ClickHouse's own error answers (served here by a small HTTP server speaking the server's
// error format), sockets refused and reset on real ports, undici's errors, Prisma's and the
// Kafka client's errors from connecting to a closed port. No mocks of the clients.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, connect, type AddressInfo } from 'node:net';
import { ClickHouseError, createClickHouse, selectRows, type ClickHouseClient } from '@tributary/clickhouse';
import { MAX_ERROR_DETAILS_CHARS, TributaryError } from '@tributary/contracts';
import { createDb } from '@tributary/db';
import { createAdmin } from '@tributary/kafka';
import { initTRPC, TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { classifyError, publicError, toPublicError } from './classify.ts';
import { endpointsFrom, type Endpoint } from './endpoints.ts';

const VERSION = '(version 26.7.2.1)';
// Error answers as ClickHouse 26.x words them (taken from the embedded engine's answers).
const ANSWERS: Record<string, { status: number; code: number; text: string }> = {
  memory: {
    status: 500,
    code: 241,
    text: `Code: 241. DB::Exception: Query memory limit exceeded: would use 1.06 MiB (attempt to allocate chunk of 0.00 B), maximum: 976.56 KiB. Untracked memory across all threads: 1.13 MiB: While executing AggregatingTransform. (MEMORY_LIMIT_EXCEEDED) ${VERSION}`,
  },
  memory_total: {
    status: 500,
    code: 241,
    text: `Code: 241. DB::Exception: (total) memory limit exceeded: would use 21.60 GiB (attempt to allocate chunk of 4.00 MiB bytes), current RSS: 20.10 GiB, maximum: 21.60 GiB. OvercommitTracker decision: Query was selected to stop by OvercommitTracker: While executing AggregatingTransform. (MEMORY_LIMIT_EXCEEDED) ${VERSION}`,
  },
  rows: {
    status: 500,
    code: 158,
    text: `Code: 158. DB::Exception: Limit for rows (controlled by 'max_rows_to_read' setting) exceeded, max rows: 10.00, current rows: 1.00 million. (TOO_MANY_ROWS) ${VERSION}`,
  },
  bytes: {
    status: 500,
    code: 307,
    text: `Code: 307. DB::Exception: Limit for rows or bytes to read exceeded, max bytes: 100.00 B, current bytes: 511.01 KiB: While executing NumbersRange. (TOO_MANY_BYTES) ${VERSION}`,
  },
  timeout: {
    status: 500,
    code: 159,
    text: `Code: 159. DB::Exception: Timeout exceeded: elapsed 1002.687 ms, maximum: 1000 ms. (TIMEOUT_EXCEEDED) ${VERSION}`,
  },
  cancelled: {
    status: 500,
    code: 394,
    text: `Code: 394. DB::Exception: Query was cancelled. (QUERY_WAS_CANCELLED) ${VERSION}`,
  },
  slots: {
    status: 500,
    code: 202,
    text: `Code: 202. DB::Exception: Too many simultaneous queries: 4 running, waited 5000 ms for a slot. (TOO_MANY_SIMULTANEOUS_QUERIES) ${VERSION}`,
  },
  no_database: {
    status: 404,
    code: 81,
    text: `Code: 81. DB::Exception: Database tributary_gone does not exist. (UNKNOWN_DATABASE) ${VERSION}`,
  },
  syntax: {
    status: 400,
    code: 62,
    text: `Code: 62. DB::Exception: Syntax error: failed at position 1 (SELEC) (line 1, col 1): SELEC 1 FORMAT JSONEachRow. Expected one of: Query, SELECT, WITH. (SYNTAX_ERROR) ${VERSION}`,
  },
};

let fake: Server;
let fakeUrl: string;
let hang: Server;
let hangUrl: string;
let closedPort: number;
const hanging: ServerResponse[] = [];

function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

beforeAll(async () => {
  // Answers each query with the error its text names: `SELECT 'memory'` → the memory error.
  fake = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const sql = `${url.searchParams.get('query') ?? ''} ${body}`;
      const name = /'(\w+)'/.exec(sql)?.[1] ?? '';
      const answer = ANSWERS[name];
      if (name === 'reset') return req.socket.resetAndDestroy();
      if (name === 'close') return req.socket.destroy();
      if (!answer) return res.writeHead(200, { 'content-type': 'text/plain' }).end('');
      res
        .writeHead(answer.status, {
          'content-type': 'text/plain; charset=UTF-8',
          'x-clickhouse-exception-code': String(answer.code),
        })
        .end(`${answer.text}\n`);
    });
  });
  fakeUrl = `http://127.0.0.1:${await listen(fake)}`;
  // Accepts and never answers.
  hang = createServer((_req, res) => void hanging.push(res));
  hangUrl = `http://127.0.0.1:${await listen(hang)}`;
  // A port that was just free: nothing listens there.
  const probe = createTcpServer();
  closedPort = await listen(probe);
  await new Promise((r) => probe.close(r));
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  await Promise.all([new Promise((r) => fake?.close(r)), new Promise((r) => hang?.close(r))]);
});

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );
}

async function clickhouseError(client: ClickHouseClient, name: string): Promise<unknown> {
  return failure(client.query({ query: `SELECT '${name}'`, format: 'JSONEachRow' }).then((r) => r.json()));
}

describe('ClickHouse errors, as @clickhouse/client raises them', () => {
  let client: ClickHouseClient;
  beforeAll(() => {
    client = createClickHouse({ url: fakeUrl });
  });
  afterAll(() => client.close());

  const cases: Array<[string, string, boolean, RegExp]> = [
    ['memory', 'query_too_large', false, /needs more memory.*narrow the time range/],
    ['rows', 'query_too_large', false, /read more data.*narrow the time range/],
    ['bytes', 'query_too_large', false, /read more data.*narrow the time range/],
    ['timeout', 'query_too_large', false, /took longer.*narrow the time range/],
    ['cancelled', 'query_cancelled', true, /cancelled the query/],
    ['memory_total', 'clickhouse_busy', true, /short of memory/],
    ['slots', 'clickhouse_busy', true, /too many queries at once/],
    ['no_database', 'clickhouse_schema_missing', false, /apply the ClickHouse migrations/],
    ['syntax', 'query_failed', false, /could not run this query/],
  ];

  it.each(cases)('%s → %s', async (name, code, retryable, words) => {
    const raw = await clickhouseError(client, name);
    expect(raw).toBeInstanceOf(ClickHouseError);
    const answer = ANSWERS[name]!;
    expect(raw).toMatchObject({ code: String(answer.code) });

    const pub = publicError(raw);
    expect(pub).toMatchObject({ code, retryable });
    expect(pub.message).toMatch(words);
    // The raw text is kept apart: the server's message, its type and code, no stack frame.
    expect(pub.details).toContain(`code ${answer.code}`);
    expect(pub.details).toContain(/\(([A-Z_]+)\)/.exec(answer.text)![1]);
    expect(pub.details).not.toMatch(/\n\s+at /);
  });

  it.each(cases)(
    '%s → %s after selectRows wrapped it (only the text is left)',
    async (name, code, retryable) => {
      const raw = await failure(
        selectRows({ client, database: 'tributary' }, `SELECT '${name}'`, {}, z.object({})),
      );
      expect(raw).toBeInstanceOf(TributaryError);
      expect(publicError(raw)).toMatchObject({ code, retryable });
    },
  );
});

describe('connection failures', () => {
  const endpoints = (): Endpoint[] =>
    endpointsFrom({
      clickhouseUrl: `http://127.0.0.1:${closedPort}`,
      databaseUrl: 'postgres://postgres@127.0.0.1:5999/tributary',
      kafkaBrokers: '127.0.0.1:9999',
    });

  it('ClickHouse refusing the connection: named by its address, or by selectRows', async () => {
    const client = createClickHouse({ url: `http://127.0.0.1:${closedPort}` });
    const raw = await clickhouseError(client, 'x');
    expect(raw).toMatchObject({ code: 'ECONNREFUSED' });
    const pub = publicError(raw, { endpoints: endpoints() });
    expect(pub).toEqual({
      code: 'clickhouse_unavailable',
      message: 'ClickHouse is not answering',
      retryable: true,
      details: `connect ECONNREFUSED 127.0.0.1:${closedPort}`,
    });
    // Unattributed, it is still an outage worth retrying, in generic words.
    expect(publicError(raw)).toMatchObject({ code: 'unavailable', retryable: true });

    const wrapped = await failure(selectRows({ client, database: 'x' }, 'SELECT 1', {}, z.object({})));
    expect(publicError(wrapped)).toMatchObject({
      code: 'clickhouse_unavailable',
      retryable: true,
      details: expect.stringContaining('ECONNREFUSED'),
    });
    await client.close();
  });

  it('a connection reset and a request timeout are ClickHouse not answering', async () => {
    const client = createClickHouse({ url: fakeUrl });
    const reset = await clickhouseError(client, 'reset');
    // A reset names no address: on its own it is an outage of something, worth a retry...
    expect(reset).toMatchObject({ code: 'ECONNRESET' });
    expect(publicError(reset)).toMatchObject({ code: 'unavailable', retryable: true });
    // ...and through selectRows, which knows whom it asked, ClickHouse's.
    const wrappedReset = await failure(
      selectRows({ client, database: 'x' }, "SELECT 'reset'", {}, z.object({})),
    );
    expect(publicError(wrappedReset)).toMatchObject({
      code: 'clickhouse_unavailable',
      retryable: true,
      details: expect.stringContaining('ECONNRESET'),
    });
    await client.close();

    const slow = createClickHouse({ url: hangUrl, requestTimeoutMs: 300 });
    const timeout = await clickhouseError(slow, 'x');
    expect(timeout).toMatchObject({ message: 'Timeout error.' });
    expect(publicError(timeout)).toMatchObject({ code: 'clickhouse_unavailable', retryable: true });
    const wrapped = await failure(selectRows({ client: slow, database: 'x' }, 'SELECT 1', {}, z.object({})));
    expect(publicError(wrapped)).toMatchObject({ code: 'clickhouse_unavailable' });
    await slow.close();
  });

  it('a bare socket error names the dependency whose port it was', async () => {
    const refused = await new Promise<Error>((resolve) => connect(5999, '127.0.0.1').on('error', resolve));
    expect(refused).toMatchObject({ code: 'ECONNREFUSED', port: 5999 });
    expect(classifyError(refused, { endpoints: endpoints() }).code).toBe('postgres_unavailable');
  });

  it("undici's errors: the refusal beneath 'fetch failed', and UND_ERR_SOCKET", async () => {
    const refused = await failure(fetch(`http://127.0.0.1:${closedPort}/`));
    expect(refused).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
    expect(publicError(refused, { endpoints: endpoints() })).toMatchObject({
      code: 'clickhouse_unavailable',
      details: expect.stringContaining('ECONNREFUSED'),
    });

    const lost = await failure(fetch(`${fakeUrl}/?query=${encodeURIComponent("SELECT 'close'")}`));
    expect(lost).toMatchObject({ cause: { code: 'UND_ERR_SOCKET' } });
    const port = Number(new URL(fakeUrl).port);
    const pub = publicError(lost, { endpoints: [{ dependency: 'kafka', host: '127.0.0.1', port }] });
    expect(pub).toMatchObject({ code: 'kafka_unavailable', retryable: true });
    expect(publicError(lost)).toMatchObject({ code: 'unavailable', retryable: true });
  });

  it('Postgres unreachable through Prisma, without the call-site excerpt Prisma puts in its message', async () => {
    const db = createDb(`postgres://postgres@127.0.0.1:${closedPort}/tributary`);
    try {
      for (const raw of [await failure(db.$queryRaw`SELECT 1`), await failure(db.writeKey.findFirst())]) {
        const pub = publicError(raw);
        expect(pub).toMatchObject({
          code: 'postgres_unavailable',
          message: 'The configuration database (Postgres) is not answering',
          retryable: true,
        });
        expect(pub.details).toMatch(/Can't reach database server at 127\.0\.0\.1/);
        expect(pub.details).not.toMatch(/classify\.test\.ts|invocation/);
      }
    } finally {
      await db.$disconnect();
    }
  });

  it('Kafka unreachable through the admin client', async () => {
    const admin = createAdmin({ brokers: [`127.0.0.1:${closedPort}`], clientId: 'classify-test' });
    try {
      const raw = await failure(admin.listTopics());
      const pub = publicError(raw);
      expect(pub).toMatchObject({
        code: 'kafka_unavailable',
        message: 'Kafka is not answering',
        retryable: true,
      });
      expect(pub.details).toContain(`127.0.0.1:${closedPort}`);
    } finally {
      await admin.close().catch(() => {});
    }
  });
});

describe('domain and tRPC errors', () => {
  it('keeps the words of an error thrown on purpose, with nothing beneath them', () => {
    const err = new TributaryError('not_found', 'dead-letter entry x does not exist (or has expired)');
    expect(publicError(err)).toEqual({
      code: 'not_found',
      message: 'dead-letter entry x does not exist (or has expired)',
      retryable: false,
      details: null,
    });
  });

  it('words input validation per field, raw issues in details', async () => {
    const t = initTRPC.create();
    const r = t.router({
      list: t.procedure
        .input(z.object({ filter: z.object({ limit: z.number().int().min(1) }) }))
        .query(() => 1),
    });
    const err = await failure(
      t
        .createCallerFactory(r)({})
        .list({ filter: { limit: 0 } }),
    );
    expect(err).toBeInstanceOf(TRPCError);
    const pub = publicError(err);
    expect(pub.code).toBe('bad_request');
    expect(pub.message).toMatch(/^limit: Too small/);
    expect(pub.retryable).toBe(false);
    expect(pub.details).toContain('too_small');
  });

  it('an unexpected failure is internal, raw message in details, never a stack', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'x')");
    const pub = publicError(new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: bug }));
    expect(pub).toEqual({
      code: 'internal',
      message: 'Something went wrong on the server',
      retryable: false,
      details: "Cannot read properties of undefined (reading 'x')",
    });
  });

  it('classifying twice (middleware, then formatter) gives the first answer back', () => {
    const once = classifyError(new TributaryError('unavailable', 'ClickHouse is unreachable'));
    expect(classifyError(once)).toBe(once);
    expect(classifyError(new TRPCError({ code: 'SERVICE_UNAVAILABLE', cause: once }))).toBe(once);
  });

  it('truncates long raw text', () => {
    const huge = new Error(`Code: 62. DB::Exception: Syntax error: ${'x'.repeat(10_000)}. (SYNTAX_ERROR)`);
    const pub = toPublicError(classifyError(huge));
    expect(pub.code).toBe('query_failed');
    expect(pub.details!.length).toBe(MAX_ERROR_DETAILS_CHARS + 1);
    expect(pub.details!.endsWith('…')).toBe(true);
  });
});
