import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startKafka, type KafkaHandle } from '@tributary/kafka-broker';
import { spawnEmbeddedClickHouse, type SpawnedClickHouse } from '@tributary/embedded-clickhouse';
import { topicNames, topicSpecs } from '@tributary/contracts';
import { createAdmin, createProducer } from '@tributary/kafka';
import { publishAll } from '@tributary/registry';
import { createClickHouse, migrate as migrateClickHouse } from '@tributary/clickhouse';
import { createDb, ensureDatabase, migrate as migratePostgres, seedDemo } from '@tributary/db';
import { ensurePostgres, ensureRedis } from './local-services.ts';
import { httpOk, startProcess, waitFor, type ManagedProcess } from './processes.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** Everything that differs between `npm start` and a test run's private stack. */
export interface StackConfig {
  stateDir: string;
  kafka: { port: number; controllerPort: number } | { brokers: string };
  clickhouse: { port: number } | { url: string };
  clickhouseDatabase: string;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  topicPrefix: string;
  consumerGroup: string;
  ingestPort: number;
  webPort: number;
  workerOpsPort: number;
  logLevel: string;
  /** Extra node flags for ingest and workers (e.g. --cpu-prof when profiling). */
  nodeArgs?: string[];
}

export interface Stack {
  config: StackConfig;
  brokers: string;
  clickhouseUrl: string;
  infra: Infra;
  ingestUrl: string;
  webUrl: string;
  writeKey: string;
  apiKey: string;
  appEnv: Record<string, string>;
  processes: Map<string, ManagedProcess>;
  /** Starts (or restarts) one app by name: 'ingest' | 'workers' | 'web'. */
  startApp(name: AppName): Promise<ManagedProcess>;
  stop(): Promise<void>;
}

export type AppName = 'ingest' | 'workers' | 'web';
type Progress = (message: string) => void;

export interface Infra {
  brokers: string;
  clickhouseUrl: string;
  kafka: KafkaHandle | null;
  clickhouse: SpawnedClickHouse | null;
  stop(): Promise<void>;
}

/** Kafka and ClickHouse (unless external), Postgres and Redis checked. */
export async function startInfra(config: StackConfig, progress: Progress): Promise<Infra> {
  mkdirSync(config.stateDir, { recursive: true });
  progress('checking Postgres and Redis');
  await ensurePostgres(config.databaseUrl, progress);
  await ensureRedis(config.redisUrl, progress);

  let kafka: KafkaHandle | null = null;
  let clickhouse: SpawnedClickHouse | null = null;
  try {
    const [k, c] = await Promise.all([
      'brokers' in config.kafka
        ? Promise.resolve(null)
        : startKafka({
            port: config.kafka.port,
            controllerPort: config.kafka.controllerPort,
            dataDir: join(config.stateDir, 'kafka'),
            onProgress: (m) => progress(`kafka: ${m}`),
          }),
      'url' in config.clickhouse
        ? Promise.resolve(null)
        : (progress('clickhouse: starting embedded server'),
          spawnEmbeddedClickHouse({
            port: config.clickhouse.port,
            dataDir: join(config.stateDir, 'clickhouse'),
          })),
    ]);
    kafka = k;
    clickhouse = c;
  } catch (err) {
    await Promise.allSettled([kafka?.stop(), clickhouse?.stop()]);
    throw err;
  }
  const brokers = 'brokers' in config.kafka ? config.kafka.brokers : kafka!.brokers.join(',');
  const clickhouseUrl = 'url' in config.clickhouse ? config.clickhouse.url : clickhouse!.url;
  const infra: Infra = {
    brokers,
    clickhouseUrl,
    kafka,
    clickhouse,
    // Reads the fields at stop time: a test may have replaced the broker with a restarted one.
    async stop() {
      await Promise.allSettled([infra.kafka?.stop(), infra.clickhouse?.stop()]);
    },
  };
  return infra;
}

/** Migrations (Postgres and ClickHouse), topics, demo seed. All idempotent. */
export async function prepare(config: StackConfig, infra: Infra, progress: Progress) {
  progress('applying Postgres migrations');
  await ensureDatabase(config.databaseUrl);
  await migratePostgres(config.databaseUrl);
  progress('applying ClickHouse migrations');
  const ch = createClickHouse({ url: infra.clickhouseUrl });
  try {
    await migrateClickHouse({ client: ch, database: config.clickhouseDatabase });
  } finally {
    await ch.close();
  }
  progress('creating Kafka topics');
  const admin = createAdmin({ brokers: infra.brokers.split(','), clientId: 'tributary-setup' });
  try {
    await admin.ensureTopics(topicSpecs(config.topicPrefix));
  } finally {
    await admin.close();
  }
  progress('seeding the demo source');
  const db = createDb(config.databaseUrl);
  const producer = createProducer({ brokers: infra.brokers.split(','), clientId: 'tributary-setup' });
  try {
    const seed = await seedDemo(db);
    // The whole registry on the control topic, so it holds every key (ingest also loads from
    // Postgres at start; this keeps the topic a complete picture for any other reader).
    progress('publishing the schema registry on the control topic');
    await publishAll(producer, topicNames(config.topicPrefix).control, db);
    return seed;
  } finally {
    await producer.close();
    await db.$disconnect();
  }
}

export function appEnvFor(
  config: StackConfig,
  infra: Pick<Infra, 'brokers' | 'clickhouseUrl'>,
): Record<string, string> {
  return {
    KAFKA_BROKERS: infra.brokers,
    TOPIC_PREFIX: config.topicPrefix,
    CONSUMER_GROUP: config.consumerGroup,
    CLICKHOUSE_URL: infra.clickhouseUrl,
    CLICKHOUSE_DATABASE: config.clickhouseDatabase,
    DATABASE_URL: config.databaseUrl,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: config.redisPrefix,
    LOG_LEVEL: config.logLevel,
    NEXT_TELEMETRY_DISABLED: '1',
  };
}

/** Builds the console (next build). */
export async function buildWeb(progress: Progress, logFile: string): Promise<void> {
  progress('building the console (next build)');
  const p = startProcess({
    name: 'web-build',
    command: process.execPath,
    args: [resolve(REPO_ROOT, 'node_modules/next/dist/bin/next'), 'build'],
    cwd: resolve(REPO_ROOT, 'apps/web'),
    env: { NEXT_TELEMETRY_DISABLED: '1' },
    logFile,
  });
  const code = await p.exited;
  await p.stop();
  if (code !== 0) throw new Error(`next build failed (exit ${code}); see ${logFile}`);
}

/** Full platform: infra, prepare, apps. The caller owns stop(). */
export async function startStack(
  config: StackConfig,
  progress: Progress,
  opts: { apps?: AppName[]; buildWeb?: boolean } = {},
): Promise<Stack> {
  const apps = opts.apps ?? ['workers', 'ingest', 'web'];
  const infra = await startInfra(config, progress);
  const processes = new Map<string, ManagedProcess>();
  const logDir = join(config.stateDir, 'logs');
  const appEnv = appEnvFor(config, infra);
  const ingestUrl = `http://127.0.0.1:${config.ingestPort}`;
  const webUrl = `http://127.0.0.1:${config.webPort}`;

  async function startApp(name: AppName): Promise<ManagedProcess> {
    await processes.get(name)?.stop();
    const tsx = [...(config.nodeArgs ?? []), '--import', 'tsx'];
    const p =
      name === 'web'
        ? startProcess({
            name,
            command: process.execPath,
            args: [
              resolve(REPO_ROOT, 'node_modules/next/dist/bin/next'),
              'start',
              '-p',
              String(config.webPort),
              '-H',
              '127.0.0.1',
            ],
            cwd: resolve(REPO_ROOT, 'apps/web'),
            env: { ...appEnv, INGEST_PUBLIC_URL: ingestUrl },
            logFile: join(logDir, 'web.log'),
          })
        : startProcess({
            name,
            command: process.execPath,
            args: [...tsx, resolve(REPO_ROOT, `apps/${name}/src/main.ts`)],
            cwd: REPO_ROOT,
            env:
              name === 'ingest'
                ? { ...appEnv, PORT: String(config.ingestPort) }
                : { ...appEnv, OPS_PORT: String(config.workerOpsPort) },
            logFile: join(logDir, `${name}.log`),
          });
    processes.set(name, p);
    const url =
      name === 'ingest'
        ? `${ingestUrl}/readyz`
        : name === 'web'
          ? `${webUrl}/api/healthz`
          : `http://127.0.0.1:${config.workerOpsPort}/healthz`;
    await waitFor(`${name}`, () => httpOk(url), {
      timeoutMs: 60_000,
      describe: () => `see ${p.logFile}`,
    });
    return p;
  }

  async function stop() {
    for (const name of ['web', 'ingest', 'workers'] as const) await processes.get(name)?.stop();
    await infra.stop();
  }

  try {
    const seed = await prepare(config, infra, progress);
    if (apps.includes('web') && opts.buildWeb !== false)
      await buildWeb(progress, join(logDir, 'web-build.log'));
    progress(`starting ${apps.join(', ')}`);
    await Promise.all(apps.map((a) => startApp(a)));
    return {
      config,
      brokers: infra.brokers,
      clickhouseUrl: infra.clickhouseUrl,
      infra,
      ingestUrl,
      webUrl,
      writeKey: seed.writeKey,
      apiKey: seed.apiKey,
      appEnv,
      processes,
      startApp,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

export function writeDemoEnv(stateDir: string, values: Record<string, string>): string {
  const file = join(stateDir, 'demo.env');
  writeFileSync(
    file,
    Object.entries(values)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
    { mode: 0o600 },
  );
  return file;
}
