import { selectRows, type QueryTarget } from '@tributary/clickhouse';
import { splitFlowStage } from '@tributary/contracts';
import { z } from 'zod';

/**
 * The counters behind the edges, over one window: the services' per-stage counts (the rows the
 * Pipeline page sums, with the same `ts >= now − window` bound, so the figures agree), with
 * their per-source and per-processor breakdowns, plus each consumer group's newest lag sample
 * and how far each topic's end offsets moved.
 */
export interface FlowCounts {
  /** Sum per stage over the window, and per chart step (oldest first). */
  totals: Map<string, number>;
  series: Map<string, number[]>;
  /** Newest epoch ms of a step that counted the stage (the counters flush every 5 s). */
  lastSeen: Map<string, number>;
  /** Latency bucket counts per source: bound → events. */
  latency: Map<string, Map<number | 'inf', number>>;
  /** Per consumer group and topic: the newest sample's greatest lag in seconds and total lag. */
  lag: Map<string, { lagSeconds: number | null; lag: number; sampledAt: number }>;
  /** Per topic: messages its end offsets grew by over the window (from the lag samples). */
  growth: Map<string, number>;
}

const num = z.coerce.number();
/** Both reads touch a window of small, time-sorted tables; anything slower is a problem to show. */
const LIMITS = { settings: { max_execution_time: 10, max_rows_to_read: 50_000_000 } };

export function lagKey(group: string, topic: string): string {
  return `${group}\u0000${topic}`;
}

export async function readFlowCounts(
  target: QueryTarget,
  opts: { windowSeconds: number; stepSeconds: number; now: number },
): Promise<FlowCounts> {
  const { windowSeconds, stepSeconds, now } = opts;
  const from = now - windowSeconds * 1000;
  const stepMs = stepSeconds * 1000;
  const steps = Math.ceil(windowSeconds / stepSeconds);
  const firstStep = Math.floor(now / stepMs) * stepMs - (steps - 1) * stepMs;

  const [rows, lagRows] = await Promise.all([
    selectRows(
      target,
      `SELECT stage, intDiv(toUnixTimestamp64Milli(ts), {step:UInt32}) * {step:UInt32} AS t,
              sum(count) AS n
       FROM {db:Identifier}.pipeline_metrics
       WHERE ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
       GROUP BY stage, t`,
      { from, step: stepMs },
      z.object({ stage: z.string(), t: num, n: num }),
      LIMITS,
    ),
    // One row per group/topic/partition: its newest sample in the last minute and its oldest
    // in the window (the end offsets' growth is what was produced to the partition).
    selectRows(
      target,
      `SELECT group_id, topic, partition,
              argMax(lag, ts) AS lag,
              argMax(lag_seconds, ts) AS lag_seconds,
              argMax(end_offset, ts) - argMin(end_offset, ts) AS grown,
              toUnixTimestamp64Milli(max(ts)) AS sampled_at
       FROM {db:Identifier}.consumer_lag
       WHERE ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
       GROUP BY group_id, topic, partition`,
      { from },
      z.object({
        group_id: z.string(),
        topic: z.string(),
        partition: num,
        lag: num,
        lag_seconds: z.union([z.null(), num]),
        grown: num,
        sampled_at: num,
      }),
      LIMITS,
    ),
  ]);

  const totals = new Map<string, number>();
  const series = new Map<string, number[]>();
  const lastSeen = new Map<string, number>();
  const latency = new Map<string, Map<number | 'inf', number>>();
  for (const r of rows) {
    totals.set(r.stage, (totals.get(r.stage) ?? 0) + r.n);
    const i = Math.floor((r.t - firstStep) / stepMs);
    const s = series.get(r.stage) ?? new Array<number>(steps).fill(0);
    if (i >= 0 && i < steps) s[i]! += r.n;
    series.set(r.stage, s);
    if (r.n > 0) lastSeen.set(r.stage, Math.max(lastSeen.get(r.stage) ?? 0, r.t + stepMs));
    const flow = splitFlowStage(r.stage);
    if (flow?.kind === 'latency') {
      const bound = flow.part === 'inf' ? 'inf' : Number(flow.part);
      const buckets = latency.get(flow.name) ?? new Map<number | 'inf', number>();
      buckets.set(bound, (buckets.get(bound) ?? 0) + r.n);
      latency.set(flow.name, buckets);
    }
  }

  const lag = new Map<string, { lagSeconds: number | null; lag: number; sampledAt: number }>();
  const newestPerGroup = new Map<string, number>();
  for (const r of lagRows)
    newestPerGroup.set(r.group_id, Math.max(newestPerGroup.get(r.group_id) ?? 0, r.sampled_at));
  const growth = new Map<string, number>();
  const grownPerPartition = new Map<string, number>();
  for (const r of lagRows) {
    // End offsets are the topic's, whichever group's sample read them: keep the largest growth.
    const pk = `${r.topic}\u0000${r.partition}`;
    grownPerPartition.set(pk, Math.max(grownPerPartition.get(pk) ?? 0, r.grown));
    // Only the group's newest sample counts for its lag; a partition missing from it is stale.
    if (r.sampled_at < (newestPerGroup.get(r.group_id) ?? 0) || now - r.sampled_at > 60_000) continue;
    const key = lagKey(r.group_id, r.topic);
    const prev = lag.get(key) ?? { lagSeconds: null, lag: 0, sampledAt: r.sampled_at };
    lag.set(key, {
      lag: prev.lag + r.lag,
      lagSeconds: r.lag_seconds === null ? prev.lagSeconds : Math.max(prev.lagSeconds ?? 0, r.lag_seconds),
      sampledAt: r.sampled_at,
    });
  }
  for (const [pk, n] of grownPerPartition) {
    const topic = pk.slice(0, pk.indexOf('\u0000'));
    growth.set(topic, (growth.get(topic) ?? 0) + n);
  }
  return { totals, series, lastSeen, latency, lag, growth };
}
