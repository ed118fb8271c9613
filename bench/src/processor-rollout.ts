import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createClickHouse } from '@tributary/clickhouse';
import { topicNames, type ProcessorDefinitionInput } from '@tributary/contracts';
import { createOutboxRelay } from '@tributary/control';
import { createDb } from '@tributary/db';
import { createProducer } from '@tributary/kafka';
import {
  createProcessor,
  createVersion,
  parseWorkerRunning,
  publishVersion,
  type WorkerRunning,
} from '@tributary/processors';
import { createLogger } from '@tributary/telemetry';
import { quantile } from '../../scripts/lib/load.ts';
import { freePort } from '../../scripts/lib/ports.ts';
import { startProcess, type ManagedProcess } from '../../scripts/lib/processes.ts';
import { kafkaSaslEnv } from '../../scripts/lib/kafka-credentials.ts';
import { asUser, kafkaAs } from '../../scripts/lib/stack.ts';
import type { TestStack } from '../../scripts/lib/test-stack.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

export interface BenchOptions {
  scale: number;
  log: (m: string) => void;
}

/** A worker process of the stack's platform (same group, own ops port and instance name). */
export async function startWorker(
  t: TestStack,
  instance: string,
  env: Record<string, string> = {},
): Promise<ManagedProcess> {
  const port = await freePort();
  const u = asUser(t.stack.infra, 'workers');
  const p = startProcess({
    name: instance,
    command: process.execPath,
    args: ['--import', 'tsx', join(REPO_ROOT, 'apps/workers/src/main.ts')],
    cwd: REPO_ROOT,
    env: {
      ...t.stack.appEnv,
      ...(u.username ? { CLICKHOUSE_USER: u.username, CLICKHOUSE_PASSWORD: u.password ?? '' } : {}),
      ...kafkaSaslEnv(t.stack.infra.kafkaCredentials, 'workers'),
      OPS_PORT: String(port),
      WORKER_INSTANCE: instance,
      LOG_LEVEL: 'warn',
      ...env,
    },
    logFile: join(t.config.stateDir, 'logs', `${instance}.log`),
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return p;
    if (p.child.exitCode !== null || Date.now() > deadline) {
      await p.stop();
      const tail = readFileSync(p.logFile, 'utf8').split('\n').slice(-15).join('\n');
      throw new Error(`${instance} did not get ready; the end of ${p.logFile}:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The console's side of a rollout: versions created and published, the hint relayed at once. */
export function createBenchPublisher(t: TestStack) {
  const db = createDb(t.config.databaseUrl);
  const ddl = createClickHouse({ url: t.stack.clickhouseUrl, ...asUser(t.stack.infra, 'admin') });
  const producer = createProducer({
    brokers: t.stack.brokers.split(','),
    clientId: 'bench-processor-publisher',
    ...kafkaAs(t.stack.infra, 'console'),
  });
  const relay = createOutboxRelay({
    db,
    producer: { send: async (topic, messages) => void (await producer.send(topic, messages)) },
    topic: topicNames(t.config.topicPrefix).control,
    logger: createLogger('bench-relay', 'silent'),
  });
  const redis = new Redis(t.config.redisUrl);
  const actor = { actor: 'user:bench@example.com' };
  const piiSecret = t.stack.appEnv.PII_HASH_SECRET;
  const lifecycle = {
    db,
    clickhouseDdl: { client: ddl, database: t.config.clickhouseDatabase },
    ...(piiSecret ? { piiSecret } : {}),
  };
  return {
    db,
    create: (name: string) => createProcessor(db, { name }, actor),
    /** Creates and publishes a version; resolves once its transaction committed (not relayed yet). */
    async publish(name: string, definition: ProcessorDefinitionInput): Promise<number> {
      const v = await createVersion(db, name, definition, { ...actor, ...(piiSecret ? { piiSecret } : {}) });
      await publishVersion(lifecycle, name, v.version, actor);
      return v.version;
    },
    /** What the console does after a commit: publish the outbox now. */
    relayNow: () => relay.drain(),
    async running(instance: string): Promise<WorkerRunning | null> {
      return parseWorkerRunning(await redis.get(`${t.config.redisPrefix}workers:running:${instance}`));
    },
    async close() {
      await relay.stop();
      await producer.close();
      await db.$disconnect();
      await ddl.close();
      redis.disconnect();
    },
  };
}

function definition(n: number): ProcessorDefinitionInput {
  return {
    inputs: { eventTypes: ['bench_rollout'] },
    steps: [{ id: 'keep', kind: 'filter', expression: `data.n >= ${n % 2}` }],
    output: { kind: 'events' },
  };
}

/**
 * Publish → every worker acknowledging the new version: two worker processes, N publishes of
 * one processor, each timed from the publish transaction's commit to each worker's Redis key
 * showing the version (polled every 5 ms).
 */
export async function runProcessorRolloutBench(t: TestStack, opts: BenchOptions): Promise<void> {
  const publishes = Math.max(5, Math.round(30 * opts.scale));
  const instances = ['rollout-a', 'rollout-b'];
  opts.log('processor rollout: starting two worker processes');
  const workers = await Promise.all(instances.map((i) => startWorker(t, i)));
  const pub = createBenchPublisher(t);
  try {
    await pub.create('bench_rollout');
    const latencies: number[] = [];
    const perWorker = new Map<string, number[]>(instances.map((i) => [i, []]));
    opts.log(`processor rollout: ${publishes} publishes, each acknowledged by both workers`);
    for (let k = 1; k <= publishes; k++) {
      const version = await pub.publish('bench_rollout', definition(k));
      const committed = performance.now();
      await pub.relayNow();
      const pending = new Set(instances);
      const deadline = committed + 30_000;
      while (pending.size > 0) {
        for (const i of [...pending]) {
          const r = await pub.running(i);
          if (r?.processors.bench_rollout?.version === version) {
            const ms = performance.now() - committed;
            latencies.push(ms);
            perWorker.get(i)!.push(ms);
            pending.delete(i);
          }
        }
        if (performance.now() > deadline)
          throw new Error(`v${version} not acknowledged by ${[...pending].join(', ')} within 30 s`);
        if (pending.size > 0) await new Promise((r) => setTimeout(r, 5));
      }
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const f = (ms: number) => `${ms.toFixed(0)} ms`;
    console.log('\nprocessor rollout: publish commit → worker acknowledges the version (Redis key)');
    console.log(
      `  publishes          ${publishes} × ${instances.length} workers = ${latencies.length} acknowledgements`,
    );
    console.log(`  p50                ${f(quantile(sorted, 0.5))}`);
    console.log(`  p95                ${f(quantile(sorted, 0.95))}   (target ≤ 2000 ms)`);
    console.log(`  max                ${f(sorted[sorted.length - 1]!)}`);
    for (const [i, ms] of perWorker) {
      const s = [...ms].sort((a, b) => a - b);
      console.log(`  ${i.padEnd(18)} p50 ${f(quantile(s, 0.5))}, p95 ${f(quantile(s, 0.95))}`);
    }
  } finally {
    await pub.close();
    await Promise.all(workers.map((w) => w.stop()));
  }
}
