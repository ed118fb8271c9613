// Samples every consumer group's lag into ClickHouse consumer_lag every few seconds, in exactly
// one console process at a time (a Redis lease), so the Consumer groups page can chart 24 hours.
import { randomUUID } from 'node:crypto';
import type { QueryTarget } from '@tributary/clickhouse';
import type { ClusterAdmin, GroupDetail } from '@tributary/kafka';
import { Redis } from 'ioredis';
import { Lease } from './lag-lease.ts';
import { lagRows, writeLagRows } from './lag-history.ts';

export interface LagSamplerOptions {
  cluster: ClusterAdmin;
  clickhouse: QueryTarget;
  redis: Redis;
  /** The lease key lives under this prefix (REDIS_PREFIX). */
  redisPrefix: string;
  intervalMs: number;
  now?: () => number;
  /** Called after each sample this process wrote (tests wait on it). */
  onSample?: (rows: number) => void;
}

export interface LagSampler {
  /** One round: take or renew the lease; if held, sample every group and write the rows. */
  tick(): Promise<{ leader: boolean; rows: number }>;
  stop(): Promise<void>;
}

export function createLagSampler(opts: LagSamplerOptions): LagSampler {
  // Three intervals: a holder that misses two ticks (a long GC, a slow broker) loses the lease.
  const lease = new Lease(
    opts.redis,
    `${opts.redisPrefix}lag-sampler:lease`,
    randomUUID(),
    opts.intervalMs * 3,
  );
  const now = opts.now ?? Date.now;
  return {
    async tick() {
      if (!(await lease.acquire())) return { leader: false, rows: 0 };
      const at = now();
      const groups = await opts.cluster.listGroups();
      const details: GroupDetail[] = [];
      for (const g of groups) {
        // A group deleted between list and describe is simply left out of this sample.
        const d = await opts.cluster.describeGroup(g.groupId).catch(() => null);
        if (d) details.push(d);
      }
      const rows = lagRows(details, at);
      if (rows.length > 0) await writeLagRows(opts.clickhouse, rows);
      opts.onSample?.(rows.length);
      return { leader: true, rows: rows.length };
    },
    async stop() {
      await lease.release().catch(() => {});
    },
  };
}

/** A Redis client for the lease that fails fast instead of queueing while Redis is away. */
export function createLeaseRedis(url: string): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 1000,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  redis.on('error', () => {
    // A tick without Redis fails and is logged by the loop; the next one tries again.
  });
  void redis.connect().catch(() => {});
  return redis;
}
