import { deadLetterStages, pipelineStages, type PipelineStage } from '@tributary/contracts';
import { z } from 'zod';
import { alignDown, fillSeries, type Series } from '../../lib/time-buckets.ts';
import { pipelineWindows, type PipelineWindow } from '../../lib/windows.ts';
import { selectRows, type QueryTarget } from './run.ts';

const num = z.coerce.number();
const nullableNum = z.union([z.null(), num]);

export interface PipelineOverview {
  window: PipelineWindow;
  now: number;
  from: number;
  /** sum(count) per stage over the window; every known stage is present (0 if silent). */
  stages: Record<PipelineStage, number>;
  series: Series & { stepMs: number };
  /** Dead letters per failing stage (ingest, worker, sink) and bucket, same buckets as `series`. */
  deadLetterSeries: Series & { stepMs: number };
  freshness: { p50: number | null; p99: number | null; events: number };
  stored: { events: number; deadLetters: number };
}

export async function getPipelineOverview(
  target: QueryTarget,
  window: PipelineWindow,
  now = Date.now(),
): Promise<PipelineOverview> {
  const spec = pipelineWindows[window];
  const stepMs = spec.stepSeconds * 1000;
  const from = now - spec.seconds * 1000;
  // The chart ends at the last complete bucket: a half-filled one would read as a sudden drop.
  const to = alignDown(now, stepMs) - stepMs;
  const chartFrom = to - (spec.seconds / spec.stepSeconds - 1) * stepMs;
  const [stageRows, seriesRows, freshRows, dlqRows, deadRows] = await Promise.all([
    selectRows(
      target,
      `SELECT stage, sum(count) AS total
       FROM {db:Identifier}.pipeline_metrics
       WHERE ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
       GROUP BY stage`,
      { from },
      z.object({ stage: z.string(), total: num }),
    ),
    selectRows(
      target,
      `SELECT intDiv(toUnixTimestamp64Milli(ts), {step:UInt32}) * {step:UInt32} AS t,
              stage AS key, sum(count) AS value
       FROM {db:Identifier}.pipeline_metrics
       WHERE ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
         AND ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
         -- Breakdowns (processor:…, source:…, latency:…) are lineage's, not stages of their own.
         AND position(stage, ':') = 0
       GROUP BY t, stage`,
      { from: chartFrom, to: to + stepMs, step: stepMs },
      z.object({ t: num, key: z.string(), value: num }),
    ),
    // Freshness = how long an event took from the ingest request to being queryable.
    selectRows(
      target,
      `SELECT count() AS events,
              quantiles(0.5, 0.99)(dateDiff('millisecond', received_at, inserted_at)) AS q
       FROM {db:Identifier}.events
       WHERE received_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')`,
      { from },
      z.object({ events: num, q: z.array(nullableNum) }),
    ),
    selectRows(
      target,
      `SELECT count() AS dead_letters
       FROM {db:Identifier}.dead_letters
       WHERE failed_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')`,
      { from },
      z.object({ dead_letters: num }),
    ),
    // Dead letters per failing stage, in the throughput chart's buckets; uniqExact(id) so an
    // entry delivered twice to the table counts once.
    selectRows(
      target,
      `SELECT intDiv(toUnixTimestamp64Milli(failed_at), {step:UInt32}) * {step:UInt32} AS t,
              stage AS key, uniqExact(id) AS value
       FROM {db:Identifier}.dead_letters
       WHERE failed_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
         AND failed_at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
       GROUP BY t, stage`,
      { from: chartFrom, to: to + stepMs, step: stepMs },
      z.object({ t: num, key: z.string(), value: num }),
    ),
  ]);

  const stages = Object.fromEntries(pipelineStages.map((s) => [s, 0])) as Record<PipelineStage, number>;
  for (const row of stageRows) {
    if (row.stage in stages) stages[row.stage as PipelineStage] = row.total;
  }
  const fresh = freshRows[0];
  const events = fresh?.events ?? 0;
  return {
    window,
    now,
    from,
    stages,
    series: withStageOrder(fillSeries(seriesRows, chartFrom, to, stepMs), pipelineStages, stepMs),
    deadLetterSeries: withStageOrder(fillSeries(deadRows, chartFrom, to, stepMs), deadLetterStages, stepMs),
    freshness: {
      events,
      p50: events > 0 ? (fresh?.q[0] ?? null) : null,
      p99: events > 0 ? (fresh?.q[1] ?? null) : null,
    },
    stored: { events, deadLetters: dlqRows[0]?.dead_letters ?? 0 },
  };
}

/** Stages keep their pipeline order (and so their chart colours) whether or not they had data. */
function withStageOrder(
  series: Series,
  known: readonly string[],
  stepMs: number,
): Series & { stepMs: number } {
  const extra = series.keys.filter((k) => !known.includes(k));
  return { keys: [...known, ...extra], points: series.points, stepMs };
}
