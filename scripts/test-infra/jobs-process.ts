import { join, resolve } from 'node:path';
import { freePort } from '../lib/ports.ts';
import { httpOk, startProcess, waitFor, type ManagedProcess } from '../lib/processes.ts';
import type { Isolated } from './fixtures.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

/**
 * One jobs service as a real process over a test's isolated slice, named `instance` on the
 * leases and rows it holds; resolves once its /healthz answers. `env` adds the test's settings
 * (tick intervals, heartbeats).
 */
export async function startJobsProcess(
  iso: Isolated,
  instance: string,
  opts: { logDir: string; env?: Record<string, string> },
): Promise<{ process: ManagedProcess; opsPort: number }> {
  const port = await freePort();
  const p = startProcess({
    name: instance,
    command: process.execPath,
    args: ['--import', 'tsx', resolve(REPO_ROOT, 'apps/jobs/src/main.ts')],
    cwd: REPO_ROOT,
    env: {
      DATABASE_URL: iso.databaseUrl,
      CLICKHOUSE_URL: iso.clickhouseUrl,
      CLICKHOUSE_DATABASE: iso.clickhouseDatabase,
      KAFKA_BROKERS: iso.brokers,
      TOPIC_PREFIX: iso.topicPrefix,
      REDIS_URL: iso.redisUrl,
      REDIS_PREFIX: iso.redisPrefix,
      JOBS_INSTANCE: instance,
      OPS_PORT: String(port),
      LOG_LEVEL: 'info',
      ...opts.env,
    },
    logFile: join(opts.logDir, `${instance}.log`),
  });
  await waitFor(instance, () => httpOk(`http://127.0.0.1:${port}/healthz`), {
    timeoutMs: 60_000,
    describe: () => `see ${p.logFile}`,
  });
  return { process: p, opsPort: port };
}
