import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createClickHouse } from '@tributary/clickhouse';
import { createAdmin } from '@tributary/kafka';
import { dropDatabase } from '@tributary/db';
import { testConfig } from './config.ts';
import { freePort } from './ports.ts';
import { deleteRedisPrefix } from './local-services.ts';
import { startStack, type AppName, type Stack } from './stack.ts';

/**
 * A whole private platform for one test file: its own Kafka broker (so the test may stop it),
 * embedded ClickHouse, Postgres database, Redis prefix, and the apps as real processes.
 */
export async function startTestStack(
  apps: AppName[] = ['workers', 'ingest'],
  opts: { nodeArgs?: string[] } = {},
) {
  const runId = randomBytes(3).toString('hex');
  const stateDir = mkdtempSync(join(tmpdir(), `tributary-stack-${runId}-`));
  const [kafka, kafkaController, clickhouse, ingest, web, workerOps] = await Promise.all(
    Array.from({ length: 6 }, freePort),
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
    },
  });
  config.nodeArgs = opts.nodeArgs;
  const stack = await startStack(config, () => {}, { apps, buildWeb: apps.includes('web') });
  const ch = createClickHouse({ url: stack.clickhouseUrl, database: config.clickhouseDatabase });
  const admin = createAdmin({ brokers: stack.brokers.split(','), clientId: `test-${runId}` });

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

  return {
    stack,
    config,
    clickhouse: ch,
    admin,
    count,
    drained,
    async stop(s: Stack = stack) {
      await admin.close().catch(() => {});
      await ch.close().catch(() => {});
      await s.stop();
      await dropDatabase(config.databaseUrl).catch(() => {});
      await deleteRedisPrefix(config.redisUrl, config.redisPrefix).catch(() => {});
      // TRIBUTARY_KEEP_TEST_STATE=1 keeps data and logs of the run for a post-mortem.
      if (process.env.TRIBUTARY_KEEP_TEST_STATE !== '1') rmSync(stateDir, { recursive: true, force: true });
      else console.log(`test stack state kept in ${stateDir}`);
    },
  };
}

export type TestStack = Awaited<ReturnType<typeof startTestStack>>;
