import { hostname } from 'node:os';
import type { Server } from 'node:http';
import { Redis } from 'ioredis';
import { topicNames } from '@tributary/contracts';
import { createBatchConsumer, createProducer, type BatchConsumer } from '@tributary/kafka';
import { createClickHouse, insertRows } from '@tributary/clickhouse';
import {
  createLogger,
  createMetricsRegistry,
  createStageCounter,
  initTracing,
  startOpsServer,
} from '@tributary/telemetry';
import type { WorkerEnv } from './env.ts';
import { createDedupe } from './dedupe.ts';
import { createEventsHandler } from './events-handler.ts';
import { createDeadLetterHandler } from './dead-letter-handler.ts';
import { createWorkerMetrics } from './metrics.ts';

export interface WorkerService {
  start(): Promise<void>;
  /** Stops fetching, lets the batches in flight finish and commit, flushes metrics. */
  stop(): Promise<void>;
  health(): { ok: boolean; details: Record<string, unknown> };
}

/** A consumer loop that has not turned for this long is reported unhealthy. */
const STALL_MS = 30_000;

export function createWorkerService(env: WorkerEnv): WorkerService {
  const logger = createLogger('workers', env.LOG_LEVEL);
  const tracing = initTracing('tributary-workers', env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const registry = createMetricsRegistry('workers');
  const metrics = createWorkerMetrics(registry);
  const brokers = env.KAFKA_BROKERS.split(',').map((b) => b.trim());
  const topics = topicNames(env.TOPIC_PREFIX);
  const clickhouse = createClickHouse({ url: env.CLICKHOUSE_URL, database: env.CLICKHOUSE_DATABASE });
  const redis = new Redis(env.REDIS_URL, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    lazyConnect: true,
  });
  redis.on('error', (err) => logger.warn({ err: String(err) }, 'redis error'));
  const producer = createProducer({ brokers, clientId: 'tributary-workers' });
  const instance = `${hostname()}:${process.pid}`;
  const stages = createStageCounter({
    service: 'workers',
    instance,
    intervalMs: 5000,
    sink: (rows) => insertRows(clickhouse, 'pipeline_metrics', rows),
    onError: (err) => logger.warn({ err: String(err) }, 'pipeline metrics flush failed; will retry'),
  });
  let stopping = false;
  let ops: Server | null = null;

  const eventsConsumer: BatchConsumer = createBatchConsumer({
    brokers,
    clientId: 'tributary-workers-events',
    groupId: env.CONSUMER_GROUP,
    topics: [topics.events],
    maxBatchSize: env.WORKER_MAX_BATCH,
    maxWaitMs: env.WORKER_MAX_WAIT_MS,
    fromBeginning: true,
  });
  const deadLetterConsumer: BatchConsumer = createBatchConsumer({
    brokers,
    clientId: 'tributary-workers-dead-letters',
    groupId: `${env.CONSUMER_GROUP}-dead-letters`,
    topics: [topics.deadLetters],
    maxBatchSize: env.WORKER_MAX_BATCH,
    maxWaitMs: env.WORKER_MAX_WAIT_MS,
    fromBeginning: true,
  });

  function health() {
    const now = Date.now();
    const eventsAge = now - eventsConsumer.lastActivityAt();
    const deadLettersAge = now - deadLetterConsumer.lastActivityAt();
    const ok = !stopping && eventsAge < STALL_MS && deadLettersAge < STALL_MS;
    return {
      ok,
      details: {
        events_loop_idle_ms: eventsAge,
        dead_letters_loop_idle_ms: deadLettersAge,
        redis: redis.status,
      },
    };
  }

  return {
    health,
    async start() {
      await redis.connect().catch((err: unknown) => {
        throw new Error(`Redis is unreachable at ${env.REDIS_URL}: ${String(err)}`);
      });
      ops = await startOpsServer({ host: env.OPS_HOST, port: env.OPS_PORT, registry, health });
      const handleEvents = createEventsHandler({
        clickhouse,
        dedupe: createDedupe(redis, env.REDIS_PREFIX, env.DEDUPE_WINDOW_SECONDS),
        producer,
        topics,
        logger,
        stages,
        metrics,
        stopping: () => stopping,
        permanentRetries: env.SINK_PERMANENT_RETRIES,
      });
      const handleDeadLetters = createDeadLetterHandler({ clickhouse, logger, stopping: () => stopping });
      await Promise.all([eventsConsumer.start(handleEvents), deadLetterConsumer.start(handleDeadLetters)]);
      for (const [name, c] of [
        ['events', eventsConsumer],
        ['dead-letters', deadLetterConsumer],
      ] as const) {
        c.done.catch((err: unknown) => {
          if (stopping) return;
          logger.fatal({ err: String(err), consumer: name }, 'consumer ended unexpectedly');
          process.exitCode = 1;
        });
      }
      logger.info(
        { topics: [topics.events, topics.deadLetters], group: env.CONSUMER_GROUP },
        'workers started',
      );
    },
    async stop() {
      stopping = true;
      await Promise.allSettled([eventsConsumer.stop(), deadLetterConsumer.stop()]);
      await stages.stop();
      await Promise.allSettled([producer.close(), clickhouse.close(), redis.quit()]);
      await new Promise<void>((resolve) => (ops ? ops.close(() => resolve()) : resolve()));
      await tracing.shutdown();
      logger.info('workers stopped');
    },
  };
}
