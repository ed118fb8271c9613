import { singleFlight } from '@tributary/analytics';
import type { QueryTarget } from '@tributary/clickhouse';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/** How often the watermark is asked of ClickHouse, for every panel and viewer together. */
const WATERMARK_BUCKET_MS = 5_000;
/** A lag sample older than this says nothing about now: the watermark is unknown. */
const SAMPLE_MAX_AGE_SECONDS = 120;

export interface Watermark {
  /**
   * Epoch ms before which every event the workers have read is queryable: the newest lag sample
   * minus the largest lag in seconds over the events topic's partitions (a partition with lag 0
   * is complete up to the sample). null: no recent sample.
   */
  at: number | null;
  /** When the sample behind it was taken. */
  sampledAt: number | null;
}

const row = z.object({ at: z.coerce.number(), lag_s: z.coerce.number(), unknown: z.coerce.number() });

/**
 * The data's watermark from the workers' committed progress, as the console's lag sampler
 * recorded it in consumer_lag (committed offset vs the next message's time, per partition).
 * Cached for all panels and viewers per 5 s bucket: one query however many ask.
 */
export async function dataWatermark(
  deps: { clickhouse: QueryTarget; redis: Redis; redisPrefix: string },
  opts: { group: string; topic: string; now?: number },
): Promise<Watermark> {
  const bucket = Math.floor((opts.now ?? Date.now()) / WATERMARK_BUCKET_MS);
  const { value } = await singleFlight(
    { redis: deps.redis, prefix: deps.redisPrefix },
    `watermark:${opts.group}:${opts.topic}:${bucket}`,
    async (): Promise<Watermark> => {
      const db = deps.clickhouse.database;
      const rs = await deps.clickhouse.client.query({
        query: `SELECT toUnixTimestamp64Milli(ts) AS at, max(ifNull(lag_seconds, 0)) AS lag_s,
                       countIf(lag_seconds IS NULL AND lag > 0) AS unknown
                FROM ${db}.consumer_lag
                WHERE group_id = {group:String} AND topic = {topic:String}
                  AND ts >= now64(3) - INTERVAL {maxAge:UInt32} SECOND
                GROUP BY ts ORDER BY ts DESC LIMIT 1`,
        query_params: { group: opts.group, topic: opts.topic, maxAge: SAMPLE_MAX_AGE_SECONDS },
        format: 'JSONEachRow',
        clickhouse_settings: { max_execution_time: 10 },
      });
      const sample = z.array(row).parse(await rs.json())[0];
      // A lagging partition whose next message's time could not be read: no bound can be given.
      if (!sample || sample.unknown > 0) return { at: null, sampledAt: sample?.at ?? null };
      return { at: sample.at - sample.lag_s * 1000, sampledAt: sample.at };
    },
    { ttlMs: WATERMARK_BUCKET_MS, lockMs: 15_000 },
  );
  return value;
}
