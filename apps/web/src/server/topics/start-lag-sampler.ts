import { env } from '../../env.ts';
import { getClickHouse } from '../clickhouse.ts';
import { getClusterAdmin } from './cluster.ts';
import { createLagSampler, createLeaseRedis, type LagSampler } from './lag-sampler.ts';

const holder = globalThis as unknown as {
  tributaryLagSampler?: { sampler: LagSampler; timer: ReturnType<typeof setInterval> };
};

/** Every console runs one; the lease lets exactly one of them sample at a time. */
export function startLagSampler(): void {
  if (env.LAG_SAMPLER_INTERVAL_MS === 0 || holder.tributaryLagSampler) return;
  const sampler = createLagSampler({
    cluster: getClusterAdmin(),
    clickhouse: { client: getClickHouse(), database: env.CLICKHOUSE_DATABASE },
    redis: createLeaseRedis(env.REDIS_URL),
    redisPrefix: env.REDIS_PREFIX,
    intervalMs: env.LAG_SAMPLER_INTERVAL_MS,
  });
  let busy = false;
  let lastError = '';
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    sampler
      .tick()
      .then(() => (lastError = ''))
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        // Logged once per distinct failure, not every 5 s while Kafka or ClickHouse is away.
        if (message !== lastError) console.error('lag sampler: sample failed:', message);
        lastError = message;
      })
      .finally(() => (busy = false));
  }, env.LAG_SAMPLER_INTERVAL_MS);
  // It must not keep a stopping server alive.
  timer.unref();
  holder.tributaryLagSampler = { sampler, timer };
}
