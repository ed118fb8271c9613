// consumer_lag (ClickHouse migration 0009): what the lag sampler writes and the chart reads.
import { insertRows, selectRows, toDateTime64, type QueryTarget } from '@tributary/clickhouse';
import type { GroupDetail } from '@tributary/kafka';
import { z } from 'zod';

export interface LagRow {
  ts: string;
  group_id: string;
  topic: string;
  partition: number;
  committed_offset: number;
  end_offset: number;
  lag: number;
  lag_seconds: number | null;
}

/** One sample of every group, all rows stamped with the same time. */
export function lagRows(groups: GroupDetail[], at: number): LagRow[] {
  const ts = toDateTime64(new Date(at));
  return groups.flatMap((g) =>
    g.partitions.map((p) => ({
      ts,
      group_id: g.groupId,
      topic: p.topic,
      partition: p.partition,
      committed_offset: p.committedOffset === null ? -1 : Number(p.committedOffset),
      end_offset: Number(p.endOffset),
      lag: p.lag,
      lag_seconds: p.lagSeconds,
    })),
  );
}

export async function writeLagRows(target: QueryTarget, rows: LagRow[]): Promise<void> {
  await insertRows(target.client, `${target.database}.consumer_lag`, rows);
}

export interface LagPoint {
  /** Bucket start, epoch ms. */
  t: number;
  /** Greatest total lag (messages, summed over partitions) of the samples in the bucket. */
  lag: number;
  /** Greatest lag in seconds over partitions and samples in the bucket. */
  lagSeconds: number | null;
}

const point = z.object({
  t: z.coerce.number(),
  lag: z.coerce.number(),
  lag_seconds: z.coerce.number().nullable(),
});

/** A minute per point over `hours` (1,440 points for a day), from each sample's total. */
export async function lagHistory(
  target: QueryTarget,
  groupId: string,
  hours: number,
  now: number,
): Promise<LagPoint[]> {
  const rows = await selectRows(
    target,
    `SELECT toUnixTimestamp(toStartOfMinute(ts)) * 1000 AS t, max(total) AS lag, max(worst) AS lag_seconds
       FROM (
         SELECT ts, sum(lag) AS total, max(lag_seconds) AS worst
           FROM {db:Identifier}.consumer_lag
          WHERE group_id = {group:String}
            AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts <= fromUnixTimestamp64Milli({to:Int64})
          GROUP BY ts
       )
      GROUP BY t ORDER BY t`,
    { db: target.database, group: groupId, from: now - hours * 3_600_000, to: now },
    point,
  );
  return rows.map((r) => ({ t: r.t, lag: r.lag, lagSeconds: r.lag_seconds }));
}
