import { appendFileSync, createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { startKafka, type KafkaHandle } from '@tributary/kafka-broker';
import { spawnEmbeddedClickHouse, type SpawnedClickHouse } from '@tributary/embedded-clickhouse';
import { topicNames, topicSpecs } from '@tributary/contracts';
import {
  createAdmin,
  createProducer,
  principalName,
  SERVICE_PRINCIPALS,
  serviceAcls,
} from '@tributary/kafka';
import { publishAll } from '@tributary/registry';
import { createClickHouse, migrate as migrateClickHouse } from '@tributary/clickhouse';
import { seedDemoDashboard } from '@tributary/analytics';
import { seedBuiltinAlerts } from '@tributary/alerts';
import { createDb, ensureDatabase, migrate as migratePostgres, seedDemo } from '@tributary/db';
import { ensurePostgres, ensureRedis } from './local-services.ts';
import { ensureClickHouseUsers, type ClickHouseCredentials, type Role } from './clickhouse-users.ts';
import {
  ensureKafkaCredentials,
  kafkaSaslEnv,
  scramUsers,
  type KafkaCredentials,
  type KafkaRole,
} from './kafka-credentials.ts';
import {
  childExit,
  describeExit,
  httpOk,
  isRunning,
  startProcess,
  waitFor,
  type ManagedProcess,
} from './processes.ts';
import { Supervisor, type RestartPolicy, type Running, type Service } from './supervisor.ts';
import { ensurePiiHashSecret } from './pii-hash-secret.ts';
import { ensurePasswords } from './stored-passwords.ts';

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
  /** The jobs service's /healthz and /metrics. */
  jobsOpsPort: number;
  logLevel: string;
  /** Extra node flags for ingest and workers (e.g. --cpu-prof when profiling). */
  nodeArgs?: string[];
  /**
   * Seed the built-in alert rules, the inbox receiver and routing to it (stacks with a console).
   * On for `npm start`; off unless asked for a test stack, whose tests set up their own routing.
   */
  builtinAlerts?: boolean;
  /** Extra environment for every app, after the stack's own. */
  extraEnv?: Record<string, string>;
  /** Restart backoff and give-up numbers; defaults in supervisor.ts. */
  supervisor?: Partial<RestartPolicy>;
  /**
   * The embedded ClickHouse asks who is calling: one user per role (clickhouse-users.ts), each
   * app with its own. Off for test stacks unless a test turns it on.
   */
  clickhouseAuth?: boolean;
  /**
   * The embedded Kafka broker asks who is calling (SASL/SCRAM, one principal per app, ACLs).
   * Default on; external brokers (`kafka.brokers`) are not touched.
   */
  kafkaAuth?: boolean;
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
  /** The console's alert inbox page (the built-in rules notify it); null without the console. */
  alertInboxUrl: string | null;
  appEnv: Record<string, string>;
  /** The apps' current processes; a restart (by the supervisor or startApp) replaces the entry. */
  processes: Map<string, ManagedProcess>;
  /**
   * Watches every process above and the embedded infrastructure ('kafka', 'clickhouse'): its
   * `events` record crashes, restarts and give-ups; `waitForRestart(name)` waits for one.
   */
  supervisor: Supervisor;
  /** Starts (or restarts) one app by name: 'ingest' | 'workers' | 'web' | 'jobs'. */
  startApp(name: AppName): Promise<ManagedProcess>;
  stop(): Promise<void>;
}

export type AppName = 'ingest' | 'workers' | 'web' | 'jobs';
type Progress = (message: string) => void;

/**
 * NOTE: `kafka` and `clickhouse` are accessors over the supervised processes. Reading one gives
 * the current instance, whose `stop()` is an intentional stop (not restarted); assigning a
 * handle started elsewhere hands it to the supervisor (kafka-outage.int.test.ts does this).
 */
export interface Infra {
  brokers: string;
  clickhouseUrl: string;
  /** Set when the embedded ClickHouse has users (config.clickhouseAuth). */
  clickhouseCredentials: ClickHouseCredentials | null;
  /** Set when the embedded broker has SASL users (config.kafkaAuth). */
  kafkaCredentials: KafkaCredentials | null;
  kafka: KafkaHandle | null;
  clickhouse: SpawnedClickHouse | null;
  stop(): Promise<void>;
}

interface KafkaRunning extends Running {
  handle: KafkaHandle;
}
interface ClickHouseRunning extends Running {
  handle: SpawnedClickHouse;
}

function kafkaRunning(handle: KafkaHandle): KafkaRunning {
  return {
    handle,
    pid: handle.pid,
    exit: handle.exited,
    stop: () => handle.stop(),
    kill: (signal) => {
      try {
        process.kill(handle.pid, signal);
      } catch {
        // already gone
      }
    },
  };
}

function clickhouseRunning(handle: SpawnedClickHouse): ClickHouseRunning {
  return {
    handle,
    pid: handle.child.pid,
    exit: childExit(handle.child),
    async stop() {
      // spawn.ts's stop() sends SIGTERM and waits; a server that hangs gets SIGKILL.
      const timer = setTimeout(() => handle.child.kill('SIGKILL'), 20_000);
      await handle.stop();
      clearTimeout(timer);
    },
    kill: (signal) => void handle.child.kill(signal),
  };
}

/**
 * The handle a caller sees for the current instance: the same fields, but stop() goes through
 * the supervisor so it counts as intentional. One view per instance, so identity holds.
 */
function viewOf<R extends Running, H extends { stop(): Promise<void> }>(
  service: Service<R>,
  views: WeakMap<R, H>,
  handle: (r: R) => H,
): H | null {
  const r = service.current;
  if (!r) return null;
  let view = views.get(r);
  if (!view) {
    const h = handle(r);
    view = { ...h, stop: () => (service.current === r ? service.stop() : h.stop()) };
    views.set(r, view);
  }
  return view;
}

/** Kafka and ClickHouse (unless external) under the supervisor; Postgres and Redis checked. */
export async function startInfra(
  config: StackConfig,
  progress: Progress,
  supervisor: Supervisor,
): Promise<Infra> {
  mkdirSync(config.stateDir, { recursive: true });
  progress('checking Postgres and Redis');
  await ensurePostgres(config.databaseUrl, progress);
  await ensureRedis(config.redisUrl, progress);

  const kafkaConfig = 'brokers' in config.kafka ? null : config.kafka;
  const kafkaDir = join(config.stateDir, 'kafka');
  const kafkaCredentials =
    kafkaConfig && config.kafkaAuth !== false ? ensureKafkaCredentials(config.stateDir) : null;
  let kafkaStarts = 0;
  const kafka = kafkaConfig
    ? supervisor.add<KafkaRunning>({
        name: 'kafka',
        // startKafka's default log (docs/decisions/kafka-broker.md).
        logFile: join(kafkaDir, 'broker.log'),
        async start() {
          const first = kafkaStarts++ === 0;
          return kafkaRunning(
            await startKafka({
              port: kafkaConfig.port,
              controllerPort: kafkaConfig.controllerPort,
              dataDir: kafkaDir,
              onProgress: first ? (m) => progress(`kafka: ${m}`) : undefined,
              ...(kafkaCredentials
                ? {
                    auth: {
                      users: scramUsers(kafkaCredentials),
                      superUsers: [kafkaCredentials.admin.username],
                    },
                  }
                : {}),
            }),
          );
        },
      })
    : null;

  const clickhouseConfig = 'url' in config.clickhouse ? null : config.clickhouse;
  // A restart must come back on the same port: a port of 0 is pinned at the first start.
  let clickhousePort = clickhouseConfig?.port ?? 0;
  const clickhouseLog = join(config.stateDir, 'logs', 'clickhouse.log');
  const users = clickhouseConfig && config.clickhouseAuth ? ensureClickHouseUsers(config.stateDir) : null;
  const clickhouse = clickhouseConfig
    ? supervisor.add<ClickHouseRunning>({
        name: 'clickhouse',
        logFile: clickhouseLog,
        async start() {
          mkdirSync(dirname(clickhouseLog), { recursive: true });
          let handle: SpawnedClickHouse;
          try {
            handle = await spawnEmbeddedClickHouse({
              port: clickhousePort,
              dataDir: join(config.stateDir, 'clickhouse'),
              ...(users ? { usersFile: users.usersFile } : {}),
            });
          } catch (err) {
            // The server's output up to the failure is in the message: keep it where the report points.
            appendFileSync(clickhouseLog, `${new Date().toISOString()} ${(err as Error).message}\n`);
            throw err;
          }
          clickhousePort = Number(new URL(handle.url).port);
          // NOTE: output before "ready" is not in this file (spawn.ts reads it to find the address).
          const log = createWriteStream(clickhouseLog, { flags: 'a' });
          handle.child.stdout?.on('data', (chunk: Buffer) => log.write(chunk));
          handle.child.stderr?.on('data', (chunk: Buffer) => log.write(chunk));
          handle.child.once('exit', () => log.end());
          return clickhouseRunning(handle);
        },
      })
    : null;

  try {
    if (clickhouse) progress('clickhouse: starting embedded server');
    await Promise.all([kafka?.start(), clickhouse?.start()]);
  } catch (err) {
    await Promise.allSettled([kafka?.stop(), clickhouse?.stop()]);
    throw err;
  }

  const kafkaViews = new WeakMap<KafkaRunning, KafkaHandle>();
  const clickhouseViews = new WeakMap<ClickHouseRunning, SpawnedClickHouse>();
  const brokers = kafka
    ? kafka.current!.handle.brokers.join(',')
    : (config.kafka as { brokers: string }).brokers;
  const clickhouseUrl = clickhouse
    ? clickhouse.current!.handle.url
    : (config.clickhouse as { url: string }).url;
  return {
    brokers,
    clickhouseUrl,
    clickhouseCredentials: users?.credentials ?? null,
    kafkaCredentials,
    get kafka() {
      return kafka ? viewOf(kafka, kafkaViews, (r) => r.handle) : null;
    },
    set kafka(handle) {
      if (!kafka) throw new Error('this stack uses an external Kafka');
      if (handle) kafka.adopt(kafkaRunning(handle));
      else void kafka.stop();
    },
    get clickhouse() {
      return clickhouse ? viewOf(clickhouse, clickhouseViews, (r) => r.handle) : null;
    },
    set clickhouse(handle) {
      if (!clickhouse) throw new Error('this stack uses an external ClickHouse');
      if (handle) clickhouse.adopt(clickhouseRunning(handle));
      else void clickhouse.stop();
    },
    async stop() {
      await Promise.allSettled([kafka?.stop(), clickhouse?.stop()]);
    },
  };
}

/** Migrations (Postgres and ClickHouse), topics, demo seed. All idempotent. */
export async function prepare(config: StackConfig, infra: Infra, progress: Progress) {
  progress('applying Postgres migrations');
  await ensureDatabase(config.databaseUrl);
  await migratePostgres(config.databaseUrl);
  progress('applying ClickHouse migrations');
  const ch = createClickHouse({ url: infra.clickhouseUrl, ...asUser(infra, 'admin') });
  try {
    await migrateClickHouse({ client: ch, database: config.clickhouseDatabase });
  } finally {
    await ch.close();
  }
  progress('creating Kafka topics');
  const admin = createAdmin({
    brokers: infra.brokers.split(','),
    clientId: 'tributary-setup',
    ...kafkaAs(infra, 'admin'),
  });
  try {
    await admin.ensureTopics(topicSpecs(config.topicPrefix));
    if (infra.kafkaCredentials) {
      progress('granting Kafka ACLs to ingest, workers and console');
      await admin.syncAcls(
        SERVICE_PRINCIPALS.map((p) => principalName(infra.kafkaCredentials![p].username)),
        serviceAcls({ topicPrefix: config.topicPrefix, consumerGroup: config.consumerGroup }),
      );
    }
  } finally {
    await admin.close();
  }
  progress('seeding the demo source');
  const db = createDb(config.databaseUrl);
  const producer = createProducer({
    brokers: infra.brokers.split(','),
    clientId: 'tributary-setup',
    ...kafkaAs(infra, 'admin'),
  });
  try {
    const seed = await seedDemo(db);
    await seedDemoDashboard(db);
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

/**
 * The bearer token of the console's alert inbox: made once per state directory and kept, so the
 * receiver seeded with it keeps working across restarts.
 */
export function ensureAlertInboxToken(stateDir: string): string {
  return ensurePasswords(join(stateDir, 'alert-inbox-token.json'), ['inbox'], (p) => p.length >= 24).inbox;
}

/**
 * The built-in alert rules, routed to a webhook receiver that posts to the console's own inbox
 * (a newcomer sees an alert end to end). Only what is missing is created (seedBuiltinAlerts).
 */
async function seedAlerts(config: StackConfig, webUrl: string, inboxToken: string, demoSource: string) {
  const db = createDb(config.databaseUrl);
  try {
    await seedBuiltinAlerts(db, { inboxUrl: `${webUrl}/api/alerts/inbox`, inboxToken, demoSource });
  } finally {
    await db.$disconnect();
  }
}

/** Client options for one role, when the embedded ClickHouse has users. */
export function asUser(
  infra: Pick<Infra, 'clickhouseCredentials'>,
  role: Role,
): { username?: string; password?: string } {
  const c = infra.clickhouseCredentials?.[role];
  return c ? { username: c.user, password: c.password } : {};
}

/** Kafka client options for one principal, when the embedded broker has SASL users. */
export function kafkaAs(infra: Pick<Infra, 'kafkaCredentials'>, role: KafkaRole) {
  const sasl = infra.kafkaCredentials?.[role];
  return sasl ? { sasl } : {};
}

function clickhouseUserEnv(infra: Pick<Infra, 'clickhouseCredentials'>, role: Role): Record<string, string> {
  const c = infra.clickhouseCredentials?.[role];
  return c ? { CLICKHOUSE_USER: c.user, CLICKHOUSE_PASSWORD: c.password } : {};
}

/** The read-only analyst user raw SQL panels run as (the console's own user runs everything else). */
function analystUserEnv(infra: Pick<Infra, 'clickhouseCredentials'>): Record<string, string> {
  const c = infra.clickhouseCredentials?.analyst;
  return c ? { ANALYST_CLICKHOUSE_USER: c.user, ANALYST_CLICKHOUSE_PASSWORD: c.password } : {};
}

function ddlUserEnv(infra: Pick<Infra, 'clickhouseCredentials'>): Record<string, string> {
  const c = infra.clickhouseCredentials?.admin;
  return c ? { CLICKHOUSE_DDL_USER: c.user, CLICKHOUSE_DDL_PASSWORD: c.password } : {};
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
    PII_HASH_SECRET: ensurePiiHashSecret(config.stateDir),
    LOG_LEVEL: config.logLevel,
    NEXT_TELEMETRY_DISABLED: '1',
    // A test's own settings for every app (e.g. the SMTP server the jobs service mails through).
    ...config.extraEnv,
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

/** Full platform: infra, prepare, apps, all under one supervisor. The caller owns stop(). */
export async function startStack(
  config: StackConfig,
  progress: Progress,
  opts: {
    apps?: AppName[];
    buildWeb?: boolean;
    /** Where crash/restart lines go (default stderr); ignored when `supervisor` is given. */
    report?: (line: string) => void;
    /** The caller's own (e.g. so Ctrl-C during the start can shut down what already runs). */
    supervisor?: Supervisor;
  } = {},
): Promise<Stack> {
  const apps = opts.apps ?? ['workers', 'ingest', 'web', 'jobs'];
  const logDir = join(config.stateDir, 'logs');
  const supervisor = opts.supervisor ?? createSupervisor(config, opts.report);
  let infra: Infra;
  try {
    infra = await startInfra(config, progress, supervisor);
  } catch (err) {
    await supervisor.shutdown();
    throw err;
  }
  const processes = new Map<string, ManagedProcess>();
  const appEnv = appEnvFor(config, infra);
  const ingestUrl = `http://127.0.0.1:${config.ingestPort}`;
  const webUrl = `http://127.0.0.1:${config.webPort}`;
  // The console receives its own alerts: only a stack with a console gets the inbox and rules.
  const inboxToken = apps.includes('web') ? ensureAlertInboxToken(config.stateDir) : null;
  const appServices = new Map<AppName, Service<ManagedProcess>>();

  /** Spawns one app and waits until it answers its health URL (also after a restart). */
  async function spawnApp(name: AppName, service: () => Service<ManagedProcess>): Promise<ManagedProcess> {
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
            // Pages and procedures query as the bounded console user; only the dead-letter
            // retention change (DDL) signs in as admin, through its own client.
            env: {
              ...appEnv,
              ...clickhouseUserEnv(infra, 'console'),
              ...ddlUserEnv(infra),
              ...analystUserEnv(infra),
              ...kafkaSaslEnv(infra.kafkaCredentials, 'console'),
              INGEST_PUBLIC_URL: ingestUrl,
              ...(inboxToken ? { ALERT_INBOX_TOKEN: inboxToken } : {}),
            },
            logFile: join(logDir, 'web.log'),
          })
        : startProcess({
            name,
            command: process.execPath,
            args: [...tsx, resolve(REPO_ROOT, `apps/${name}/src/main.ts`)],
            cwd: REPO_ROOT,
            env:
              name === 'ingest'
                ? {
                    ...appEnv,
                    ...clickhouseUserEnv(infra, 'ingest'),
                    ...kafkaSaslEnv(infra.kafkaCredentials, 'ingest'),
                    PORT: String(config.ingestPort),
                  }
                : name === 'jobs'
                  ? {
                      ...appEnv,
                      ...clickhouseUserEnv(infra, 'jobs'),
                      ...kafkaSaslEnv(infra.kafkaCredentials, 'jobs'),
                      OPS_PORT: String(config.jobsOpsPort),
                      // Links in alert notifications point at this console.
                      CONSOLE_URL: webUrl,
                    }
                  : {
                      ...appEnv,
                      ...clickhouseUserEnv(infra, 'workers'),
                      ...kafkaSaslEnv(infra.kafkaCredentials, 'workers'),
                      OPS_PORT: String(config.workerOpsPort),
                    },
            logFile: join(logDir, `${name}.log`),
          });
    const url =
      name === 'ingest'
        ? `${ingestUrl}/readyz`
        : name === 'web'
          ? `${webUrl}/api/healthz`
          : `http://127.0.0.1:${name === 'jobs' ? config.jobsOpsPort : config.workerOpsPort}/healthz`;
    try {
      await waitFor(`${name}`, () => httpOk(url), {
        timeoutMs: 60_000,
        describe: () => `see ${p.logFile}`,
        failIf: () =>
          isRunning(p.child)
            ? null
            : `exited (${describeExit({ code: p.child.exitCode, signal: p.child.signalCode })})`,
      });
    } catch (err) {
      await p.stop();
      throw err;
    }
    // What callers hold: stop() through the supervisor, so it is not taken for a crash.
    const view: ManagedProcess = {
      ...p,
      stop: (timeoutMs) => (service().current === p ? service().stop() : p.stop(timeoutMs)),
    };
    processes.set(name, view);
    return p;
  }

  async function startApp(name: AppName): Promise<ManagedProcess> {
    let service = appServices.get(name);
    if (service) await service.restart();
    else {
      const s: Service<ManagedProcess> = supervisor.add<ManagedProcess>({
        name,
        logFile: join(logDir, `${name}.log`),
        start: (): Promise<ManagedProcess> => spawnApp(name, () => s),
      });
      appServices.set(name, (service = s));
      await s.start();
    }
    return processes.get(name)!;
  }

  const stop = () => supervisor.shutdown();

  try {
    const seed = await prepare(config, infra, progress);
    if (inboxToken && config.builtinAlerts === true) {
      progress('seeding the built-in alert rules');
      await seedAlerts(config, webUrl, inboxToken, seed.sourceName);
    }
    // npm test builds the console once for every stack of its run (TRIBUTARY_WEB_BUILT=1).
    if (apps.includes('web') && opts.buildWeb !== false && process.env.TRIBUTARY_WEB_BUILT !== '1')
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
      alertInboxUrl: inboxToken ? `${webUrl}/alerts/inbox` : null,
      appEnv,
      processes,
      supervisor,
      startApp,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The supervisor for a stack: its log in `<stateDir>/logs/supervisor.log`. */
export function createSupervisor(config: StackConfig, report?: (line: string) => void): Supervisor {
  return new Supervisor({
    logFile: join(config.stateDir, 'logs', 'supervisor.log'),
    policy: config.supervisor,
    report,
  });
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
