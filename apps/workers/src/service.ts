import { hostname } from 'node:os';
import type { Server } from 'node:http';
import { Redis } from 'ioredis';
import { topicNames } from '@tributary/contracts';
import { assertExposure } from '@tributary/contracts/exposure';
import { createBatchConsumer, createProducer, kafkaSaslFromEnv, type BatchConsumer } from '@tributary/kafka';
import { createClickHouse, insertRows } from '@tributary/clickhouse';
import { createControlFollower } from '@tributary/control';
import { createDb } from '@tributary/db';
import { loadActiveSet, loadProcessorVersion } from '@tributary/processors';
import {
  createLogger,
  createMetricsRegistry,
  createStageCounter,
  initTracing,
  type Logger,
} from '@tributary/telemetry';
import type { WorkerEnv } from './env.ts';
import { createDedupe } from './dedupe.ts';
import { createDedupeMemory } from './dedupe-memory.ts';
import { createEventsHandler } from './events-handler.ts';
import { createDeadLetterHandler } from './dead-letter-handler.ts';
import { createWorkerMetrics } from './metrics.ts';
import {
  createDependencyTracker,
  workerHealth,
  workerReadiness,
  type ConsumerView,
  type HealthReport,
} from './health.ts';
import { startWorkerOpsServer } from './ops-server.ts';
import { retryTransient } from './retry.ts';
import { createProcessorRegistry } from './processors/processor-registry.ts';
import { createRunningAck } from './processors/running-ack.ts';
import { createRedisDedupeStore } from './processors/redis-dedupe-store.ts';
import { createProcessorIntents } from './processors/processor-intent.ts';
import { createWatermarkBook } from './processors/watermark-book.ts';
import { clickhouseOutputWriter } from './processors/processor-output.ts';

export interface WorkerService {
  start(): Promise<void>;
  /** Stops fetching, lets the batches in flight finish and commit, flushes metrics. */
  stop(): Promise<void>;
  /** Liveness: process up and consumer loops turning; `details.status` says ok, degraded or unhealthy. */
  health(): { ok: boolean; details: Record<string, unknown> };
  /** Readiness: Kafka consumers joined, ClickHouse and Redis reachable. */
  readiness(): Promise<{ ready: boolean; details: Record<string, unknown> }>;
  /** Closes and recreates the Kafka consumers (they rejoin their groups), e.g. after a client fault. */
  restartKafka(reason: string): void;
  readonly logger: Logger;
}

export interface WorkerServiceHooks {
  /** Something ended that the service cannot bring back by itself; the entry point should exit. */
  onFatal?: (err: unknown) => void;
}

/**
 * A consumer loop that has shown no sign of turning for this long is reported unhealthy. Longer
 * than one ClickHouse request can take (30 s timeout) plus the longest retry backoff (5 s), so a
 * loop waiting on a hung request is not mistaken for a stalled one.
 */
const STALL_MS = 45_000;
/** Bound on each readiness probe, so /readyz answers quickly when a dependency hangs. */
const PROBE_TIMEOUT_MS = 1500;

export function createWorkerService(env: WorkerEnv, hooks: WorkerServiceHooks = {}): WorkerService {
  const logger = createLogger('workers', env.LOG_LEVEL);
  const tracing = initTracing('tributary-workers', env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const registry = createMetricsRegistry('workers');
  const metrics = createWorkerMetrics(registry);
  const brokers = env.KAFKA_BROKERS.split(',').map((b) => b.trim());
  const topics = topicNames(env.TOPIC_PREFIX);
  const clickhouse = createClickHouse({
    url: env.CLICKHOUSE_URL,
    database: env.CLICKHOUSE_DATABASE,
    ...(env.CLICKHOUSE_USER
      ? { username: env.CLICKHOUSE_USER, password: env.CLICKHOUSE_PASSWORD ?? '' }
      : {}),
  });
  const redis = new Redis(env.REDIS_URL, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    lazyConnect: true,
  });
  redis.on('error', (err) => logger.warn({ err: String(err) }, 'redis error'));
  const sasl = kafkaSaslFromEnv(env);
  const producer = createProducer({ brokers, sasl, clientId: 'tributary-workers' });
  const dependencies = createDependencyTracker();
  const instance = env.WORKER_INSTANCE ?? `${hostname()}:${process.pid}`;
  const db = createDb(env.DATABASE_URL);
  const processorRegistry = createProcessorRegistry({
    load: () => loadActiveSet(db),
    loadVersion: (name, version) => loadProcessorVersion(db, name, version),
    ...(env.PII_HASH_SECRET ? { piiSecret: env.PII_HASH_SECRET } : {}),
    logger,
    onSwitch: (switches) => {
      for (const s of switches) metrics.processorSwitches.inc({ processor: s.name });
      // The console waits for this key to show the new version: written at once, not at the next refresh.
      void ack.write();
    },
    onCompileFailure: (f) => {
      metrics.processorCompileFailures.inc({ processor: f.name });
      void ack.write();
    },
  });
  const ack = createRunningAck({
    redis,
    prefix: env.REDIS_PREFIX,
    instance,
    current: () => processorRegistry.current(),
    failures: () => processorRegistry.failures(),
    logger,
  });
  const control = createControlFollower({
    brokers,
    sasl,
    topic: topics.control,
    clientId: 'tributary-workers-control',
    logger,
    // Hints only: whichever processor or table changed, the whole active set is re-read.
    handlers: {
      processor: () => processorRegistry.reload('control hint'),
      lookup_table: () => processorRegistry.reload('control hint'),
    },
    reload: () => processorRegistry.reload('reload'),
    reloadIntervalMs: env.PROCESSORS_RELOAD_INTERVAL_MS,
  });
  const stages = createStageCounter({
    service: 'workers',
    instance,
    intervalMs: 5000,
    sink: (rows) => insertRows(clickhouse, 'pipeline_metrics', rows),
    onError: (err) => logger.warn({ err: String(err) }, 'pipeline metrics flush failed; will retry'),
  });
  let stopping = false;
  let ops: Server | null = null;

  const consumerOptions = (name: string) => ({
    brokers,
    sasl,
    maxBatchSize: env.WORKER_MAX_BATCH,
    maxWaitMs: env.WORKER_MAX_WAIT_MS,
    fromBeginning: true,
    sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
    // A batch that failed is delivered again by a rebuilt consumer; the process stays up.
    onHandlerError: 'rebuild' as const,
    onReconnect: (reason: string, attempt: number) =>
      logger.warn({ consumer: name, reason, attempt }, 'kafka consumer rebuilding'),
    onWarning: (message: string, reason: string) => logger.warn({ consumer: name, reason }, message),
  });
  const consumers: Array<[string, BatchConsumer]> = [
    [
      'events',
      createBatchConsumer({
        ...consumerOptions('events'),
        clientId: 'tributary-workers-events',
        groupId: env.CONSUMER_GROUP,
        topics: [topics.events],
      }),
    ],
    [
      'dead_letters',
      createBatchConsumer({
        ...consumerOptions('dead_letters'),
        clientId: 'tributary-workers-dead-letters',
        groupId: `${env.CONSUMER_GROUP}-dead-letters`,
        topics: [topics.deadLetters],
      }),
    ],
  ];

  function consumerViews(): ConsumerView[] {
    const now = Date.now();
    return consumers.map(([name, c]) => ({ name, status: c.status(), idleMs: now - c.lastActivityAt() }));
  }

  function report(views: ConsumerView[]): HealthReport {
    return workerHealth({
      stopping,
      consumers: views,
      unavailable: dependencies.unavailable(),
      stallMs: STALL_MS,
    });
  }

  function health() {
    const views = consumerViews();
    const h = report(views);
    return {
      ok: h.ok,
      details: {
        status: h.status,
        ...(h.reasons.length > 0 ? { summary: `${h.status}: ${h.reasons.join('; ')}` } : {}),
        reasons: h.reasons,
        consumers: Object.fromEntries(views.map((v) => [v.name, { ...v.status, loop_idle_ms: v.idleMs }])),
        dependencies: dependencies.unavailable(),
        redis: redis.status,
      },
    };
  }

  async function readiness() {
    const [clickhouseUp, redisUp] = await Promise.all([pingClickHouse(), pingRedis()]);
    const views = consumerViews();
    const r = workerReadiness({
      consumers: views,
      clickhouse: clickhouseUp,
      redis: redisUp,
      stallMs: STALL_MS,
    });
    const h = report(views);
    return {
      ready: r.ready && !stopping,
      details: {
        status: r.ready && !stopping ? 'ready' : 'not ready',
        checks: r.checks,
        down: stopping ? [...r.down, 'stopping'] : r.down,
        ...(h.reasons.length > 0 ? { reasons: h.reasons } : {}),
      },
    };
  }

  async function pingClickHouse(): Promise<boolean> {
    const r = await clickhouse
      .ping({ select: false, abort_signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })
      .catch(() => ({ success: false }));
    return r.success;
  }

  async function pingRedis(): Promise<boolean> {
    if (redis.status !== 'ready') return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), PROBE_TIMEOUT_MS);
    });
    const pong = await Promise.race([redis.ping().catch(() => 'error'), timeout]);
    clearTimeout(timer);
    return pong === 'PONG';
  }

  return {
    logger,
    health,
    readiness,
    restartKafka(reason) {
      if (stopping) return;
      for (const [, c] of consumers) c.restart(reason);
    },
    async start() {
      assertExposure('workers', env.OPS_HOST, { setting: 'METRICS_TOKEN', value: env.METRICS_TOKEN });
      ops = await startWorkerOpsServer({
        host: env.OPS_HOST,
        port: env.OPS_PORT,
        registry,
        ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
        health: () => {
          const h = health();
          return { ok: h.ok, body: h.details };
        },
        readiness: async () => {
          const r = await readiness();
          return { ready: r.ready, body: r.details };
        },
      });
      // Redis being down at start is an outage like any other: ioredis keeps reconnecting, the
      // handlers retry, /readyz says so. Exiting would only feed a crash loop.
      redis.connect().catch((err: unknown) => {
        logger.warn({ err: String(err), url: env.REDIS_URL }, 'redis unreachable at start; retrying');
      });
      const dedupe = createDedupe(redis, env.REDIS_PREFIX, env.DEDUPE_WINDOW_SECONDS);
      // The processors must be known before the first batch: events consumed without them would
      // miss their outputs for good. Postgres down at start waits here, like any outage.
      await retryTransient(() => control.start(), {
        isTransient: () => true,
        stopping: () => stopping,
        onRetry: (err, attempt) =>
          logger.warn({ err: String(err), attempt }, 'loading processors from Postgres failed; retrying'),
      });
      ack.start();
      const intents = createProcessorIntents(redis, env.REDIS_PREFIX);
      const handleEvents = createEventsHandler({
        clickhouse,
        dedupe,
        dedupeMemory: createDedupeMemory(dedupe, clickhouse, logger),
        producer,
        topics,
        logger,
        stages,
        metrics,
        stopping: () => stopping,
        permanentRetries: env.SINK_PERMANENT_RETRIES,
        dependencies,
        processors: {
          registry: processorRegistry,
          intents,
          dedupeStore: createRedisDedupeStore(redis, env.REDIS_PREFIX),
          outputs: clickhouseOutputWriter(clickhouse, env.CLICKHOUSE_DATABASE),
          watermarks: createWatermarkBook(intents),
          logger,
          stages,
          metrics,
          permanentRetries: env.SINK_PERMANENT_RETRIES,
        },
      });
      const handleDeadLetters = createDeadLetterHandler({
        clickhouse,
        logger,
        stopping: () => stopping,
        dependencies,
      });
      const [events, deadLetters] = consumers;
      await Promise.all([events![1].start(handleEvents), deadLetters![1].start(handleDeadLetters)]);
      for (const [name, c] of consumers) {
        // With onHandlerError 'rebuild' a consumer ends only when stopped; anything else is a
        // defect the process cannot repair by itself.
        c.done.catch((err: unknown) => {
          if (stopping) return;
          logger.fatal({ err: String(err), consumer: name }, 'consumer ended unexpectedly');
          hooks.onFatal?.(err);
        });
      }
      logger.info(
        { topics: [topics.events, topics.deadLetters], group: env.CONSUMER_GROUP },
        'workers started',
      );
    },
    async stop() {
      stopping = true;
      await Promise.allSettled(consumers.map(([, c]) => c.stop()));
      await Promise.allSettled([control.stop(), ack.stop()]);
      await stages.stop();
      // NOTE: quit() on a client still reconnecting queues behind the reconnect and may never settle.
      const closeRedis = redis.status === 'ready' ? redis.quit() : Promise.resolve(redis.disconnect());
      await Promise.allSettled([producer.close(), clickhouse.close(), closeRedis, db.$disconnect()]);
      await new Promise<void>((resolve) => (ops ? ops.close(() => resolve()) : resolve()));
      await tracing.shutdown();
      logger.info('workers stopped');
    },
  };
}
