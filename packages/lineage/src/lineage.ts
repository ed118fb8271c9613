import type { QueryTarget } from '@tributary/clickhouse';
import type { TopicNames } from '@tributary/contracts';
import type { Db } from '@tributary/db';
import { buildLineageGraph } from './build-graph.ts';
import { loadLineageConfig } from './config.ts';
import { readFlowCounts } from './flow-metrics.ts';
import type { LineageGraph } from './graph.ts';

export interface LineageDeps {
  db: Db;
  clickhouse: QueryTarget;
  /** Consumer groups and their broker states (the cluster admin's listGroups). */
  listGroups: () => Promise<{ groupId: string; state: string }[]>;
  topics: TopicNames;
  workersGroup: string;
}

/** The whole lineage graph over a window, read now. */
export async function readLineage(
  deps: LineageDeps,
  window: { seconds: number; stepSeconds: number },
  now = Date.now(),
): Promise<LineageGraph> {
  const [config, counts, groups] = await Promise.all([
    loadLineageConfig(deps.db, { topics: deps.topics, workersGroup: deps.workersGroup }, new Date(now)),
    readFlowCounts(deps.clickhouse, { windowSeconds: window.seconds, stepSeconds: window.stepSeconds, now }),
    deps.listGroups(),
  ]);
  return buildLineageGraph({
    config,
    counts,
    groups: { states: new Map(groups.map((g) => [g.groupId, g.state])) },
    window,
    now,
  });
}
