import type { QueryTarget } from '@tributary/clickhouse';
import { topicNames } from '@tributary/contracts';
import { focusGraph, readLineage, type LineageGraph } from '@tributary/lineage';
import { env } from '../../env.ts';
import { pipelineWindows, type PipelineWindow } from '../../lib/windows.ts';
import { getDb } from '../db.ts';
import { getClusterAdmin } from '../topics/cluster.ts';

/**
 * The graph is read at most once per 2 s per window by this process, however many people
 * watch it: the counters behind it flush every 5 s, so a figure shown is at most ~7 s old.
 * NOTE: a read is shared by every viewer, so one viewer leaving does not abort it; each of its
 * queries is bounded instead (10 s, see flow-metrics.ts; Postgres reads take at most 2,000 rows).
 */
const REUSE_MS = 2_000;
const holder = globalThis as unknown as {
  tributaryLineage?: Map<string, { at: number; graph: Promise<LineageGraph> }>;
};

export async function getLineageGraph(
  clickhouse: QueryTarget,
  window: PipelineWindow,
  focus?: { node: string; depth: number },
): Promise<LineageGraph> {
  const cache = (holder.tributaryLineage ??= new Map());
  const now = Date.now();
  let entry = cache.get(window);
  if (!entry || now - entry.at > REUSE_MS) {
    const spec = pipelineWindows[window];
    const graph = readLineage(
      {
        db: getDb(),
        clickhouse,
        listGroups: () => getClusterAdmin().listGroups(),
        topics: topicNames(env.TOPIC_PREFIX),
        workersGroup: env.CONSUMER_GROUP,
      },
      { seconds: spec.seconds, stepSeconds: spec.stepSeconds },
      now,
    );
    entry = { at: now, graph };
    cache.set(window, entry);
    // A failed read is not kept: the next request tries again.
    graph.catch(() => {
      if (cache.get(window) === entry) cache.delete(window);
    });
  }
  const graph = await entry.graph;
  return focus ? focusGraph(graph, focus.node, focus.depth) : graph;
}
