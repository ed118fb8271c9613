import type { NotificationContext } from '@tributary/alerts';
import type { TopicNames } from '@tributary/contracts';
import type { Db } from '@tributary/db';
import {
  buildLineageGraph,
  lineageNeighbours,
  loadLineageConfig,
  type FlowCounts,
  type LineageGraph,
} from '@tributary/lineage';

/** The declared graph changes when config does: read again at most this often. */
const REFRESH_MS = 60_000;

const noCounts = (): FlowCounts => ({
  totals: new Map(),
  series: new Map(),
  lastSeen: new Map(),
  latency: new Map(),
  lag: new Map(),
  growth: new Map(),
});

/**
 * Upstream and downstream of an alert's lineage node, for notification texts. Only the declared
 * graph (sources, topics, processors, tables, consumer groups from the configuration) is read —
 * no ClickHouse figures — so it costs a few Postgres reads a minute. A failed read keeps the last
 * graph: a message without neighbours beats no message.
 */
export function lineageContext(deps: { db: Db; topics: TopicNames; workersGroup: string }) {
  let graph: LineageGraph | null = null;
  let readAt = 0;
  return {
    async refresh(now = Date.now()): Promise<void> {
      if (graph && now - readAt < REFRESH_MS) return;
      try {
        const config = await loadLineageConfig(
          deps.db,
          { topics: deps.topics, workersGroup: deps.workersGroup },
          new Date(now),
        );
        graph = buildLineageGraph({
          config,
          counts: noCounts(),
          groups: { states: new Map() },
          window: { seconds: 600, stepSeconds: 60 },
          now,
        });
        readAt = now;
      } catch {
        readAt = now; // try again in a minute
      }
    },
    neighbours: ((id: string) => (graph ? lineageNeighbours(graph, id) : null)) satisfies NonNullable<
      NotificationContext['lineage']
    >,
  };
}
