import { inject } from 'vitest';
import { isolatedId } from '@tributary/testing';
import './provided-context.ts';
import { deleteRedisPrefix } from '../lib/local-services.ts';
import { topicSpecs } from '@tributary/contracts';
import { createAdmin } from '@tributary/kafka';
import { createClickHouse, migrate as migrateClickHouse } from '@tributary/clickhouse';
import { createDb, dropDatabase, ensureDatabase, migrate as migratePostgres, seedDemo } from '@tributary/db';

/**
 * A slice of the real services private to one test file: its own topics, ClickHouse database
 * (migrated), Postgres database (migrated, seeded) and Redis key prefix.
 */
export interface Isolated {
  id: string;
  brokers: string;
  clickhouseUrl: string;
  clickhouseDatabase: string;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  topicPrefix: string;
  writeKey: string;
  apiKey: string;
  cleanup(): Promise<void>;
}

export async function isolate(): Promise<Isolated> {
  const id = isolatedId();
  const brokers = inject('kafkaBrokers');
  const clickhouseUrl = inject('clickhouseUrl');
  const pgBase = new URL(inject('postgresUrl'));
  pgBase.pathname = `/tributary_it_${id}`;
  const databaseUrl = pgBase.toString();
  const clickhouseDatabase = `tributary_it_${id}`;
  const topicPrefix = `it${id}.`;

  const admin = createAdmin({ brokers: brokers.split(','), clientId: `it-${id}` });
  await admin.ensureTopics(topicSpecs(topicPrefix));
  const ch = createClickHouse({ url: clickhouseUrl });
  await migrateClickHouse({ client: ch, database: clickhouseDatabase });
  await ensureDatabase(databaseUrl);
  await migratePostgres(databaseUrl);
  const db = createDb(databaseUrl);
  const seed = await seedDemo(db);
  await db.$disconnect();

  return {
    id,
    brokers,
    clickhouseUrl,
    clickhouseDatabase,
    databaseUrl,
    redisUrl: inject('redisUrl'),
    redisPrefix: `it:${id}:`,
    topicPrefix,
    writeKey: seed.writeKey,
    apiKey: seed.apiKey,
    async cleanup() {
      await admin.deleteTopics(topicSpecs(topicPrefix).map((t) => t.name)).catch(() => {});
      await admin.close();
      await ch.command({ query: `DROP DATABASE IF EXISTS ${clickhouseDatabase}` }).catch(() => {});
      await ch.close();
      await dropDatabase(databaseUrl).catch(() => {});
      await deleteRedisPrefix(inject('redisUrl'), `it:${id}:`).catch(() => {});
    },
  };
}

export { eventually } from '@tributary/testing';

/**
 * Points the console's env at this slice (read once, when the console's modules first load: call
 * this before importing routes or routers).
 */
export function setConsoleEnv(iso: Isolated, extra: Record<string, string> = {}): void {
  Object.assign(process.env, {
    DATABASE_URL: iso.databaseUrl,
    CLICKHOUSE_URL: iso.clickhouseUrl,
    CLICKHOUSE_DATABASE: iso.clickhouseDatabase,
    REDIS_URL: iso.redisUrl,
    REDIS_PREFIX: iso.redisPrefix,
    KAFKA_BROKERS: iso.brokers,
    TOPIC_PREFIX: iso.topicPrefix,
    ...extra,
  });
}
