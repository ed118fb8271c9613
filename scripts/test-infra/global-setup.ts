import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { TestProject } from 'vitest/node';
import { startKafka, type KafkaHandle } from '@tributary/kafka-broker';
import { spawnEmbeddedClickHouse, type SpawnedClickHouse } from '@tributary/embedded-clickhouse';
import { ensurePostgres, ensureRedis } from '../lib/local-services.ts';
import { freePort } from '../lib/ports.ts';

import './provided-context.ts';

/**
 * One real Kafka broker and one embedded ClickHouse for the whole integration run, on ports
 * and in directories of their own. Tests isolate further by topic prefix, database and Redis
 * key prefix (see fixtures.ts). TEST_KAFKA_BROKERS / TEST_CLICKHOUSE_URL reuse running ones.
 */
export default async function setup(project: TestProject) {
  const postgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  await ensurePostgres(postgresUrl, console.log);
  await ensureRedis(redisUrl, console.log);

  const dir = mkdtempSync(join(tmpdir(), 'tributary-it-'));
  let kafka: KafkaHandle | null = null;
  let clickhouse: SpawnedClickHouse | null = null;
  const [brokers, clickhouseUrl] = await Promise.all([
    process.env.TEST_KAFKA_BROKERS ??
      Promise.all([freePort(), freePort()]).then(async ([port, controllerPort]) => {
        const k = await startKafka({ port, controllerPort, dataDir: join(dir, 'kafka') });
        kafka = k;
        return k.brokers.join(',');
      }),
    process.env.TEST_CLICKHOUSE_URL ??
      spawnEmbeddedClickHouse({ port: 0, dataDir: join(dir, 'clickhouse') }).then((c) => {
        clickhouse = c;
        return c.url;
      }),
  ]);
  project.provide('kafkaBrokers', brokers);
  project.provide('clickhouseUrl', clickhouseUrl);
  project.provide('postgresUrl', postgresUrl);
  project.provide('redisUrl', redisUrl);

  return async () => {
    await Promise.allSettled([
      (kafka as KafkaHandle | null)?.stop(),
      (clickhouse as SpawnedClickHouse | null)?.stop(),
    ]);
    rmSync(dir, { recursive: true, force: true });
  };
}
