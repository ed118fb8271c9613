import { hostname } from 'node:os';
import { topicNames, topicSpecs, type ControlRecord } from '@tributary/contracts';
import { createAdmin, createProducer, INGEST_CONTROL_GROUP_PREFIX, kafkaSaslFromEnv } from '@tributary/kafka';
import { createDb, findWriteKey } from '@tributary/db';
import { controlSnapshot, sourceState, subjectState } from '@tributary/registry';
import { createClickHouse, insertRows } from '@tributary/clickhouse';
import { createLogger, createMetricsRegistry, createStageCounter, initTracing } from '@tributary/telemetry';
import { assertExposure } from '@tributary/contracts/exposure';
import type { IngestEnv } from './env.ts';
import { buildServer } from './server.ts';
import { createProduceBatcher } from './produce-batcher.ts';
import { createWriteKeyCache } from './write-keys.ts';
import { packByPartition } from './pack-events.ts';
import { createIngestMetrics } from './metrics.ts';
import { createSchemaRules } from '@tributary/pipeline';
import { createControlFollower } from '@tributary/control';
import { createRedisRateLimiter } from './rate-limit.ts';
import { createIngestRateLimits } from './rate-limit-policy.ts';

export interface IngestService {
  /** Resolves with the address it listens on. */
  start(): Promise<string>;
  /** Stops taking requests, finishes those in flight, flushes Kafka and metrics. */
  stop(): Promise<void>;
}

export function createIngestService(env: IngestEnv): IngestService {
  const logger = createLogger('ingest', env.LOG_LEVEL);
  const tracing = initTracing('tributary-ingest', env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const registry = createMetricsRegistry('ingest');
  const brokers = env.KAFKA_BROKERS.split(',').map((b) => b.trim());
  const sasl = kafkaSaslFromEnv(env);
  const producer = createProducer({ brokers, sasl, clientId: 'tributary-ingest' });
  const admin = createAdmin({ brokers, sasl, clientId: 'tributary-ingest-admin' });
  const db = createDb(env.DATABASE_URL);
  const clickhouse = createClickHouse({
    url: env.CLICKHOUSE_URL,
    database: env.CLICKHOUSE_DATABASE,
    ...(env.CLICKHOUSE_USER
      ? { username: env.CLICKHOUSE_USER, password: env.CLICKHOUSE_PASSWORD ?? '' }
      : {}),
  });
  const instance = `${hostname()}:${process.pid}:${env.PORT}`;
  const stages = createStageCounter({
    service: 'ingest',
    instance,
    intervalMs: 5000,
    sink: (rows) => insertRows(clickhouse, 'pipeline_metrics', rows),
    onError: (err) => logger.warn({ err: String(err) }, 'pipeline metrics flush failed; will retry'),
  });
  const batcherOptions = {
    lingerMs: env.INGEST_LINGER_MS,
    maxBatch: 2000,
    deliveryTimeoutMs: env.KAFKA_DELIVERY_TIMEOUT_MS,
  };
  const eventBatcher = createProduceBatcher(producer, { ...batcherOptions, pack: packByPartition });
  const deadLetterBatcher = createProduceBatcher(producer, batcherOptions);
  const topics = topicNames(env.TOPIC_PREFIX);
  // The declared count until the broker tells us the real one (an external cluster may differ).
  let eventPartitions = topicSpecs(env.TOPIC_PREFIX).find((t) => t.name === topics.events)!.partitions;

  const rules = createSchemaRules({
    onCompileError: (subject, version, message) =>
      logger.error({ subject, version, message }, 'schema cannot be compiled; its events are refused'),
  });
  const writeKeys = createWriteKeyCache((key) => findWriteKey(db, key), {
    recheckMs: env.WRITE_KEY_RECHECK_MS,
    staleMs: env.WRITE_KEY_CACHE_TTL_MS,
  });
  // CRITICAL: control records are hints. Each handler re-reads what it is told about from
  // Postgres and applies that; a record's own payload is never seen here, so a forged record
  // changes nothing (docs/decisions/key-revocation.md, docs/decisions/control-outbox.md).
  const reread = async (kind: 'subject' | 'source', names: string[]) => {
    // Sequential: a flood of hints becomes consumer lag, not a burst of Postgres reads.
    for (const name of names) {
      const current = await withDeadline<ControlRecord>(
        kind === 'subject' ? subjectState(db, name) : sourceState(db, name),
        15_000,
      );
      if (rules.apply(current)) {
        logger.info(
          { kind, name, revision: current.revision, deleted: current.state === null },
          'control hint: state re-read from Postgres and applied',
        );
      }
    }
  };
  const control = createControlFollower({
    brokers,
    sasl,
    topic: topics.control,
    // NOTE: the group id (this plus a random suffix) must match INGEST_CONTROL_GROUP_PREFIX.
    clientId: INGEST_CONTROL_GROUP_PREFIX.replace(/-$/, ''),
    logger,
    handlers: {
      // First, and without waiting for Postgres: a revoked key must stop working at once.
      write_keys: () => {
        writeKeys.invalidate();
        logger.info('control hint: write keys changed; cached keys dropped');
      },
      subject: (names) => reread('subject', names),
      source: (names) => reread('source', names),
    },
    reload: async () => {
      const snapshot = await withDeadline(controlSnapshot(db), 15_000);
      rules.load(snapshot.revision, snapshot.records);
      logger.info({ records: snapshot.records.length }, 'schema registry state loaded from Postgres');
    },
    reloadIntervalMs: env.INGEST_SCHEMA_RELOAD_MS,
  });

  const metrics = createIngestMetrics(registry);
  const limiter =
    env.INGEST_RATE_LIMITS === 'on'
      ? createRedisRateLimiter({
          url: env.REDIS_URL,
          prefix: env.REDIS_PREFIX,
          timeoutMs: env.INGEST_RATE_LIMIT_REDIS_TIMEOUT_MS,
          logger,
          onFallback: () => metrics.rateLimitFallbacks.inc(),
        })
      : null;
  const rateLimits = limiter
    ? createIngestRateLimits({
        limiter,
        defaults: { perSecond: env.INGEST_RATE_LIMIT_EVENTS_PER_SECOND, burst: env.INGEST_RATE_LIMIT_BURST },
        unauthenticatedPerIp: {
          perSecond: env.INGEST_UNAUTHENTICATED_PER_IP_PER_SECOND,
          burst: env.INGEST_UNAUTHENTICATED_PER_IP_BURST,
        },
        // The source's own figures arrive with its policy (control topic, re-read from Postgres).
        sourceLimit: (name) => rules.sourceRateLimit(name),
        onLimited: (reason) => metrics.rateLimited.inc({ reason }),
      })
    : null;

  const app = buildServer({
    logger,
    registry,
    metrics,
    rateLimits,
    trustProxy: env.INGEST_TRUST_PROXY,
    ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
    timeouts: {
      headersMs: env.INGEST_HEADERS_TIMEOUT_MS,
      requestMs: env.INGEST_REQUEST_TIMEOUT_MS,
      idleMs: env.INGEST_IDLE_TIMEOUT_MS,
      keepAliveMs: env.INGEST_KEEP_ALIVE_TIMEOUT_MS,
    },
    stages,
    eventBatcher,
    deadLetterBatcher,
    eventPartitions: () => eventPartitions,
    lookupKey: writeKeys.lookup,
    rules,
    topics,
    readiness: async () => {
      const [kafka, postgres] = await Promise.all([
        reachable(
          admin.listTopics().then(() => true),
          2000,
        ),
        reachable(
          db.$queryRaw`SELECT 1`.then(() => true),
          2000,
        ),
      ]);
      // A control consumer whose fetch loop stalled would leave this instance on stale schemas.
      const control_topic = Date.now() - control.lastActivityAt() < 30_000;
      return { kafka, postgres, control_topic };
    },
    limits: {
      maxBodyBytes: env.INGEST_MAX_BODY_BYTES,
      maxInflatedBytes: env.INGEST_MAX_INFLATED_BYTES,
      maxEvents: env.INGEST_MAX_EVENTS_PER_REQUEST,
    },
  });

  return {
    async start() {
      eventPartitions = await withDeadline(admin.partitionCount(topics.events), 5000).catch(
        () => eventPartitions,
      );
      // Schemas first: no event is taken before this instance holds the registry's state.
      await control.start();
      // Shared limits from the first request when Redis is there; without it, local ones.
      if (limiter && !(await limiter.ready(2000))) {
        logger.warn('Redis not ready: rate limits apply per ingest instance until it is');
      }
      // Write keys guard /v1; /metrics needs its token before ingest listens beyond loopback.
      assertExposure('ingest', env.HOST, { setting: 'METRICS_TOKEN', value: env.METRICS_TOKEN });
      const address = await app.listen({ host: env.HOST, port: env.PORT });
      logger.info({ address }, 'ingest listening');
      return address;
    },
    async stop() {
      await app.close();
      await control.stop();
      await Promise.all([eventBatcher.flush(), deadLetterBatcher.flush()]);
      await stages.stop();
      await limiter?.close();
      await Promise.allSettled([producer.close(), admin.close(), db.$disconnect(), clickhouse.close()]);
      await tracing.shutdown();
      logger.info('ingest stopped');
    },
  };
}

/** Resolves false when `p` fails or is slower than `ms`. */
async function reachable(p: Promise<boolean>, ms: number): Promise<boolean> {
  return withDeadline(p, ms).catch(() => false);
}

async function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
