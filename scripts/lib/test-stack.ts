import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createClickHouse } from '@tributary/clickhouse';
import { createConnection } from 'node:net';
import { createAdmin } from '@tributary/kafka';
import { dropDatabase } from '@tributary/db';
import { topicNames } from '@tributary/contracts';
import { testConfig } from './config.ts';
import { freePort } from './ports.ts';
import { deleteRedisPrefix, startPrivateRedis, type PrivateRedis } from './local-services.ts';
import { asUser, kafkaAs, startStack, type AppName, type Stack } from './stack.ts';

/**
 * A whole private platform for one test file: its own Kafka broker (so the test may stop it),
 * embedded ClickHouse (likewise), Postgres database, Redis prefix (or, with `privateRedis`, a
 * redis-server of its own that the test may stop), and the apps as real processes, all under
 * the same supervisor as `npm start`: a test may SIGKILL any of them and watch it come back.
 */
export async function startTestStack(
  apps: AppName[] = ['workers', 'ingest'],
  opts: {
    nodeArgs?: string[];
    privateRedis?: boolean;
    /** A Postgres server of the test's own (postgres://user@host:port), e.g. one it restarts. */
    postgresServer?: string;
    /** The embedded ClickHouse asks who is calling, as under `npm start`. */
    clickhouseAuth?: boolean;
    /** The broker runs SASL/SCRAM with ACLs, as under `npm start` (default on). */
    kafkaAuth?: boolean;
    /** Extra environment for every app (e.g. SMTP_HOST for the jobs service). */
    env?: Record<string, string>;
    /** Seed the built-in alert rules and routing to the console's inbox, as `npm start` does. */
    builtinAlerts?: boolean;
  } = {},
) {
  const runId = randomBytes(3).toString('hex');
  const stateDir = mkdtempSync(join(tmpdir(), `tributary-stack-${runId}-`));
  const [kafka, kafkaController, clickhouse, ingest, web, workerOps, jobsOps] = await Promise.all(
    Array.from({ length: 7 }, freePort),
  );
  const config = testConfig(runId, {
    stateDir,
    ports: {
      kafka: kafka!,
      kafkaController: kafkaController!,
      clickhouse: clickhouse!,
      ingest: ingest!,
      web: web!,
      workerOps: workerOps!,
      jobsOps: jobsOps!,
    },
  });
  config.nodeArgs = opts.nodeArgs;
  if (opts.env) config.extraEnv = opts.env;
  config.builtinAlerts = opts.builtinAlerts ?? false;
  config.clickhouseAuth = opts.clickhouseAuth ?? false;
  config.kafkaAuth = opts.kafkaAuth ?? true;
  if (opts.postgresServer) {
    const url = new URL(config.databaseUrl);
    const server = new URL(opts.postgresServer);
    url.host = server.host;
    url.username = server.username;
    url.password = server.password;
    config.databaseUrl = url.toString();
  }
  let redis: PrivateRedis | null = null;
  if (opts.privateRedis) {
    redis = await startPrivateRedis({
      port: await freePort(),
      dir: join(stateDir, 'redis'),
      logFile: join(stateDir, 'logs', 'redis.log'),
    });
    config.redisUrl = redis.url;
  }
  let stack: Stack;
  try {
    stack = await startStack(config, () => {}, { apps, buildWeb: apps.includes('web') });
  } catch (err) {
    await redis?.stop();
    throw err;
  }
  const ch = createClickHouse({
    url: stack.clickhouseUrl,
    database: config.clickhouseDatabase,
    ...asUser(stack.infra, 'admin'),
  });
  // The stack's broker asks who is calling (SASL/SCRAM + ACLs): tests act as its admin.
  const kafkaAdmin = kafkaAs(stack.infra, 'admin');
  const admin = createAdmin({ brokers: stack.brokers.split(','), clientId: `test-${runId}`, ...kafkaAdmin });

  async function count(where: string, params: Record<string, unknown> = {}) {
    const rs = await ch.query({
      query: `SELECT count() AS n, uniqExact(event_id) AS u FROM events WHERE ${where}`,
      query_params: params,
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ n: string; u: string }>();
    return { rows: Number(row!.n), distinct: Number(row!.u) };
  }

  /** Waits until the workers consumed everything produced so far. */
  async function drained(timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lag = await admin
        .consumerLag(config.consumerGroup, `${config.topicPrefix}events`)
        .catch(() => -1);
      if (lag === 0) return;
      if (Date.now() > deadline) throw new Error(`workers did not drain within ${timeoutMs} ms (lag ${lag})`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Waits until the dead-letter consumer stored everything on the dead-letter topic. */
  async function deadLettersDrained(timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lag = await admin
        .consumerLag(`${config.consumerGroup}-dead-letters`, topicNames(config.topicPrefix).deadLetters)
        .catch(() => -1);
      if (lag === 0) return;
      if (Date.now() > deadline)
        throw new Error(`dead letters did not drain within ${timeoutMs} ms (lag ${lag})`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  const clickhousePort = (config.clickhouse as { port: number }).port;
  const clickhouseService = () => {
    const service = stack.supervisor.service('clickhouse');
    if (!service) throw new Error('this stack does not run the embedded ClickHouse');
    return service;
  };

  /**
   * Stops the embedded ClickHouse process (SIGTERM, or SIGKILL for a crash) and returns once
   * its port refuses connections: every client now meets a real outage. Either way the stop
   * is the test's: the supervisor does not restart it until startClickHouse().
   */
  async function stopClickHouse(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') {
    const service = clickhouseService();
    if (!service.current) throw new Error('ClickHouse is not running');
    await service.stop(signal === 'SIGKILL' ? { signal } : {});
    if (await portOpen(clickhousePort)) throw new Error(`ClickHouse port ${clickhousePort} still open`);
  }

  /** Starts the embedded ClickHouse again on the same port and data directory. */
  async function startClickHouse() {
    const service = clickhouseService();
    if (service.current) throw new Error('ClickHouse is already running');
    await service.start();
  }

  return {
    stack,
    config,
    clickhouse: ch,
    admin,
    /** Spread into a test's own Kafka clients: `createProducer({ brokers, clientId, ...t.kafkaAdmin })`. */
    kafkaAdmin,
    /** The stack's own redis-server when started with `privateRedis`. */
    redis,
    count,
    drained,
    deadLettersDrained,
    stopClickHouse,
    startClickHouse,
    /** Crash, restart and give-up records of every process (see supervisor.ts). */
    supervisor: stack.supervisor,
    /**
     * Resolves once the supervisor restarted `name` ('kafka', 'clickhouse', 'workers', …)
     * after a crash; rejects if it gave up. Take `mark()` before causing the crash.
     */
    waitForRestart: (name: string, opts?: { after?: number; timeoutMs?: number }) =>
      stack.supervisor.waitForRestart(name, opts),
    /** The position of the latest supervisor event, for `waitForRestart(name, { after })`. */
    mark: () => stack.supervisor.events.length - 1,
    async stop(s: Stack = stack) {
      await admin.close().catch(() => {});
      await ch.close().catch(() => {});
      await s.stop();
      await dropDatabase(config.databaseUrl).catch(() => {});
      if (redis) await redis.stop();
      else await deleteRedisPrefix(config.redisUrl, config.redisPrefix).catch(() => {});
      // TRIBUTARY_KEEP_TEST_STATE=1 keeps data and logs of the run for a post-mortem.
      if (process.env.TRIBUTARY_KEEP_TEST_STATE !== '1') rmSync(stateDir, { recursive: true, force: true });
      else console.log(`test stack state kept in ${stateDir}`);
    },
  };
}

export type TestStack = Awaited<ReturnType<typeof startTestStack>>;

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
