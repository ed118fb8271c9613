import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { createClickHouse } from '@tributary/clickhouse';
import { topicNames } from '@tributary/contracts';
import { assertExposure } from '@tributary/contracts/exposure';
import { createDb } from '@tributary/db';
import { createAdmin, createProducer, kafkaSaslFromEnv } from '@tributary/kafka';
import { createLogger, createMetricsRegistry, initTracing, type Logger } from '@tributary/telemetry';
import type { JobsEnv } from './env.ts';
import { alertJobs } from './jobs/alerts.ts';
import { dlqReplaysJob } from './jobs/dlq-replays.ts';
import { redisLeaseStore } from './lease-store.ts';
import { lineageContext } from './lineage-context.ts';
import { createJobsMetrics } from './metrics.ts';
import { startJobsOpsServer } from './ops-server.ts';
import { startScheduler, type JobStatus, type Scheduler } from './scheduler.ts';

export interface JobsService {
  logger: Logger;
  /** This instance's name on the leases it holds. */
  instance: string;
  start(): Promise<void>;
  /** Stops the loops, gives back running replays and leases, closes the clients. */
  stop(): Promise<void>;
  health(): { ok: boolean; jobs: JobStatus[] };
  /** The ops listener's port (OPS_PORT=0 picks one). */
  opsPort(): number;
}

export function createJobsService(env: JobsEnv): JobsService {
  const logger = createLogger('jobs', env.LOG_LEVEL);
  const tracing = initTracing('tributary-jobs', env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const registry = createMetricsRegistry('jobs');
  const metrics = createJobsMetrics(registry);
  // NOTE: the random part keeps a restarted process (same host, maybe the same pid in a
  // container) from mistaking its predecessor's leases for its own.
  const instance = env.JOBS_INSTANCE ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const brokers = env.KAFKA_BROKERS.split(',').map((b) => b.trim());
  const sasl = kafkaSaslFromEnv(env);
  const clickhouse = createClickHouse({
    url: env.CLICKHOUSE_URL,
    database: env.CLICKHOUSE_DATABASE,
    ...(env.CLICKHOUSE_USER
      ? { username: env.CLICKHOUSE_USER, password: env.CLICKHOUSE_PASSWORD ?? '' }
      : {}),
  });
  const db = createDb(env.DATABASE_URL);
  const producer = createProducer({ brokers, sasl, clientId: 'tributary-jobs' });
  const admin = createAdmin({ brokers, sasl, clientId: 'tributary-jobs-admin' });
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', (err) => logger.warn({ err: String(err) }, 'redis error'));

  const jobs = [
    dlqReplaysJob(
      {
        target: { client: clickhouse, database: env.CLICKHOUSE_DATABASE },
        db,
        transport: {
          producer,
          topics: topicNames(env.TOPIC_PREFIX),
          partitionCount: (topic) => admin.partitionCount(topic),
        },
      },
      {
        instance,
        intervalMs: env.REPLAY_SWEEP_INTERVAL_MS,
        concurrency: env.REPLAY_CONCURRENCY,
        heartbeatMs: env.REPLAY_HEARTBEAT_MS,
        logger,
        metrics,
      },
    ),
    ...alertJobs(
      {
        db,
        target: { client: clickhouse, database: env.CLICKHOUSE_DATABASE },
        lineage: lineageContext({
          db,
          topics: topicNames(env.TOPIC_PREFIX),
          workersGroup: env.CONSUMER_GROUP,
        }),
      },
      env,
      {
        instance,
        metrics,
      },
    ),
  ];

  let scheduler: Scheduler | null = null;
  let ops: Server | null = null;
  const health = () => scheduler?.health() ?? { ok: false, jobs: [] };

  return {
    logger,
    instance,
    health,
    opsPort: () => (ops?.address() as AddressInfo | null)?.port ?? env.OPS_PORT,
    async start() {
      assertExposure('jobs', env.OPS_HOST, { setting: 'METRICS_TOKEN', value: env.METRICS_TOKEN });
      // Redis down at start is an outage like any other: leader jobs wait for their lease.
      redis.connect().catch((err: unknown) => {
        logger.warn({ err: String(err), url: env.REDIS_URL }, 'redis unreachable at start; retrying');
      });
      scheduler = startScheduler({
        jobs,
        store: redisLeaseStore(redis),
        prefix: env.REDIS_PREFIX,
        instance,
        leaseTtlMs: env.JOBS_LEASE_TTL_MS,
        logger,
        metrics,
      });
      ops = await startJobsOpsServer({
        host: env.OPS_HOST,
        port: env.OPS_PORT,
        registry,
        ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
        health: () => {
          const h = health();
          return { ok: h.ok, body: { status: h.ok ? 'ok' : 'stalled', instance, jobs: h.jobs } };
        },
      });
      logger.info({ instance, jobs: jobs.map((j) => j.name), ops_port: this.opsPort() }, 'jobs started');
    },
    async stop() {
      await scheduler?.stop();
      await new Promise<void>((resolve) => (ops ? ops.close(() => resolve()) : resolve()));
      await producer.close().catch(() => {});
      await admin.close().catch(() => {});
      await db.$disconnect().catch(() => {});
      await clickhouse.close().catch(() => {});
      redis.disconnect();
      await tracing.shutdown();
    },
  };
}
