import { quantileOfBuckets, sourceStage } from '@tributary/contracts';
import type { LineageConfig } from './config.ts';
import { lagKey, type FlowCounts } from './flow-metrics.ts';
import {
  edgeId,
  nodeId,
  type EdgeMetrics,
  type LineageEdge,
  type LineageGraph,
  type LineageNode,
  type TailFilter,
} from './graph.ts';

/** What Kafka says about consumer groups right now (listGroups). */
export interface GroupStates {
  /** groupId → broker state (STABLE, EMPTY, …); a group absent here does not exist. */
  states: Map<string, string>;
}

export interface BuildInput {
  config: LineageConfig;
  counts: FlowCounts;
  groups: GroupStates;
  window: { seconds: number; stepSeconds: number };
  now: number;
}

/**
 * Declared flows from the configuration, each with its figures; then flows the counters or
 * Kafka report that no configuration declares. Pure: everything it needs is in `input`.
 */
export function buildLineageGraph(input: BuildInput): LineageGraph {
  const { config, counts, groups, window, now } = input;
  const nodes = new Map<string, LineageNode>();
  const edges = new Map<string, LineageEdge>();
  const total = (stage: string) => counts.totals.get(stage) ?? 0;
  const spark = (...stages: string[]) => sumSeries(stages.map((s) => counts.series.get(s)));
  const steps = Math.ceil(window.seconds / window.stepSeconds);
  const freshness = (...stages: string[]) => {
    const seen = Math.max(0, ...stages.map((s) => counts.lastSeen.get(s) ?? 0));
    return seen > 0 ? Math.max(0, now - seen) : null;
  };
  const metrics = (m: Omit<EdgeMetrics, 'perSecond' | 'spark'> & { spark: number[] }): EdgeMetrics => ({
    ...m,
    perSecond: round(m.total / window.seconds),
    spark: m.spark.length === steps ? m.spark : new Array<number>(steps).fill(0),
  });
  const addNode = (n: Omit<LineageNode, 'observed' | 'freshnessMs'> & Partial<LineageNode>) => {
    nodes.set(n.id, { observed: false, freshnessMs: null, ...n });
  };
  const addEdge = (e: {
    from: string;
    to: string;
    declared: boolean;
    metrics: EdgeMetrics | null;
    tail?: TailFilter | null;
    idleNote?: string;
    /** Overrides whether something went through (e.g. the consumer is not running). */
    observed?: boolean;
  }) => {
    const observed = e.observed ?? (e.metrics ? e.metrics.total > 0 : true);
    const status = !e.declared ? 'undeclared' : observed ? 'flowing' : 'idle';
    const note =
      status === 'undeclared'
        ? 'flowing, but no configuration declares it'
        : status === 'idle'
          ? (e.idleNote ?? `declared, but nothing went through in the last ${describeWindow(window.seconds)}`)
          : '';
    edges.set(edgeId(e.from, e.to), {
      id: edgeId(e.from, e.to),
      from: e.from,
      to: e.to,
      declared: e.declared,
      observed,
      status,
      note,
      metrics: e.metrics,
      tail: e.tail ?? null,
    });
    if (observed) {
      for (const id of [e.from, e.to]) {
        const n = nodes.get(id);
        if (n) n.observed = true;
      }
    }
  };

  const { topics, workersGroup } = config;
  const eventsTopic = nodeId.topic(topics.events);
  const deadTopic = nodeId.topic(topics.deadLetters);
  const workers = nodeId.consumer(workersGroup);
  const deadSinkGroup = `${workersGroup}-dead-letters`;
  const deadSink = nodeId.consumer(deadSinkGroup);
  const eventsTable = nodeId.table('events');
  const deadTable = nodeId.table('dead_letters');

  addNode({
    id: 'ingest',
    kind: 'ingest',
    label: 'ingest',
    detail: 'POST /v1/events',
    declared: true,
    href: '/pipeline',
  });
  addNode({
    id: eventsTopic,
    kind: 'topic',
    label: topics.events,
    detail: 'events topic',
    declared: true,
    href: `/topics/${encodeURIComponent(topics.events)}`,
  });
  addNode({
    id: deadTopic,
    kind: 'topic',
    label: topics.deadLetters,
    detail: 'dead-letter topic',
    declared: true,
    href: `/topics/${encodeURIComponent(topics.deadLetters)}`,
  });
  addNode({
    id: workers,
    kind: 'consumer',
    label: 'workers',
    detail: `group ${workersGroup}`,
    declared: true,
    href: `/groups/${encodeURIComponent(workersGroup)}`,
  });
  addNode({
    id: deadSink,
    kind: 'consumer',
    label: 'dead-letter sink',
    detail: `group ${deadSinkGroup}`,
    declared: true,
    href: `/groups/${encodeURIComponent(deadSinkGroup)}`,
  });
  addNode({
    id: eventsTable,
    kind: 'table',
    label: 'events',
    detail: 'ClickHouse table',
    declared: true,
    href: '/live',
    freshnessMs: freshness('inserted'),
  });
  addNode({
    id: deadTable,
    kind: 'table',
    label: 'dead_letters',
    detail: 'ClickHouse table',
    declared: true,
    href: '/dlq',
  });

  // Sources → ingest: received per source; the dead-letter share is its rejected events.
  const declaredSources = new Set(config.sources.map((s) => s.name));
  const observedSources = new Set<string>();
  for (const stage of counts.totals.keys()) {
    const m = /^source:(.+):received$/.exec(stage);
    if (m) observedSources.add(m[1]!);
  }
  for (const name of new Set([...declaredSources, ...observedSources])) {
    const declared = declaredSources.has(name);
    const keys = config.sources.find((s) => s.name === name)?.activeKeys ?? 0;
    const id = nodeId.source(name);
    const received = total(sourceStage(name, 'received'));
    addNode({
      id,
      kind: 'source',
      label: name,
      detail: declared ? `${keys} write key${keys === 1 ? '' : 's'}` : 'not a configured source',
      declared,
      href: declared ? '/keys' : null,
      freshnessMs: freshness(sourceStage(name, 'received')),
    });
    addEdge({
      from: id,
      to: 'ingest',
      declared,
      tail: { source: name },
      idleNote: keys === 0 ? 'declared, but the source has no usable write key' : undefined,
      metrics: metrics({
        total: received,
        lagSeconds: null,
        deadLetterRate: rate(total(sourceStage(name, 'rejected')), received),
        p95Ms: quantileOfBuckets(counts.latency.get(name) ?? new Map(), 0.95),
        spark: spark(sourceStage(name, 'received')),
      }),
    });
  }

  addEdge({
    from: 'ingest',
    to: eventsTopic,
    declared: true,
    metrics: metrics({
      total: total('accepted'),
      lagSeconds: null,
      deadLetterRate: null,
      p95Ms: null,
      spark: spark('accepted'),
    }),
  });
  addEdge({
    from: 'ingest',
    to: deadTopic,
    declared: true,
    metrics: metrics({
      total: total('rejected'),
      lagSeconds: null,
      deadLetterRate: null,
      p95Ms: null,
      spark: spark('rejected'),
    }),
  });

  // The events topic → the workers: everything they processed; dead letters are the workers'
  // own (the services' dead_lettered counts ingest's rejects too).
  const processed = total('processed');
  const workerDead = Math.max(0, total('dead_lettered') - total('rejected'));
  const workersRunning = isRunning(groups, workersGroup);
  const workersLag = counts.lag.get(lagKey(workersGroup, topics.events));
  addEdge({
    from: eventsTopic,
    to: workers,
    declared: true,
    tail: {},
    observed: processed > 0 && workersRunning,
    idleNote: workersRunning ? undefined : 'declared, but no worker is running in the group',
    metrics: metrics({
      total: processed,
      lagSeconds: workersLag?.lagSeconds ?? null,
      deadLetterRate: rate(workerDead, processed),
      p95Ms: null,
      spark: spark('processed'),
    }),
  });
  const allLatency = new Map<number | 'inf', number>();
  for (const buckets of counts.latency.values())
    for (const [b, n] of buckets) allLatency.set(b, (allLatency.get(b) ?? 0) + n);
  addEdge({
    from: workers,
    to: eventsTable,
    declared: true,
    metrics: metrics({
      total: total('inserted'),
      lagSeconds: null,
      deadLetterRate: null,
      p95Ms: quantileOfBuckets(allLatency, 0.95),
      spark: spark('inserted'),
    }),
  });
  const deadSinkRunning = isRunning(groups, deadSinkGroup);
  const deadLag = counts.lag.get(lagKey(deadSinkGroup, topics.deadLetters));
  addEdge({
    from: deadTopic,
    to: deadSink,
    declared: true,
    observed: deadSinkRunning && total('dead_lettered') > 0,
    idleNote: deadSinkRunning ? undefined : 'declared, but the dead-letter sink is not running',
    metrics: metrics({
      total: total('dead_lettered'),
      lagSeconds: deadLag?.lagSeconds ?? null,
      deadLetterRate: null,
      p95Ms: null,
      spark: spark('dead_lettered'),
    }),
  });
  addEdge({ from: deadSink, to: deadTable, declared: true, metrics: null, observed: deadSinkRunning });

  // Processors run inside the workers: workers → processor → its table.
  for (const p of config.processors) {
    const id = nodeId.processor(p.name);
    const stage = (r: string) => `processor:${p.name}:${r}`;
    const tableId = nodeId.table(p.table);
    addNode({
      id,
      kind: 'processor',
      label: p.name,
      detail: `v${p.version} · ${p.state}`,
      declared: true,
      href: `/processors/${encodeURIComponent(p.name)}`,
      freshnessMs: freshness(stage('in')),
    });
    if (!nodes.has(tableId))
      addNode({
        id: tableId,
        kind: 'table',
        label: p.table,
        detail: 'ClickHouse table',
        declared: true,
        href: `/processors/${encodeURIComponent(p.name)}`,
        freshnessMs: freshness(stage('kept')),
      });
    const inCount = total(stage('in'));
    addEdge({
      from: workers,
      to: id,
      declared: true,
      tail: { processor: p.name, eventType: p.eventTypes.length === 1 ? p.eventTypes[0] : undefined },
      idleNote: p.state === 'paused' ? 'declared, but the processor is paused' : undefined,
      metrics: metrics({
        total: inCount,
        lagSeconds: workersLag?.lagSeconds ?? null,
        deadLetterRate: rate(total(stage('dead_lettered')), inCount),
        p95Ms: null,
        spark: spark(stage('in')),
      }),
    });
    addEdge({
      from: id,
      to: tableId,
      declared: true,
      tail: { processor: p.name },
      metrics: metrics({
        total: total(stage('kept')),
        lagSeconds: null,
        deadLetterRate: null,
        p95Ms: null,
        spark: spark(stage('kept')),
      }),
    });
  }

  // Panels read tables; the edge carries no events, the panel shows its table's freshness.
  for (const panel of config.panels) {
    const id = nodeId.panel(panel.dashboard, panel.panelId);
    const tableId = nodeId.table(panel.table);
    const table = nodes.get(tableId);
    addNode({
      id,
      kind: 'panel',
      label: panel.panelTitle,
      detail: panel.dashboardTitle,
      declared: true,
      href: `/dashboards/${encodeURIComponent(panel.dashboard)}#panel-${encodeURIComponent(panel.panelId)}`,
      freshnessMs: table?.freshnessMs ?? null,
    });
    if (!table)
      addNode({
        id: tableId,
        kind: 'table',
        label: panel.table,
        detail: 'ClickHouse table',
        declared: true,
        href: null,
      });
    addEdge({
      from: tableId,
      to: id,
      declared: true,
      metrics: null,
      observed: (nodes.get(tableId)?.freshnessMs ?? null) !== null,
      idleNote: 'declared, but nothing was written to the table in the window',
    });
  }

  // What Kafka reports that no configuration declares: other groups reading the platform's
  // topics, and messages on a topic no declared producer accounts for.
  const declaredGroups = new Set([workersGroup, deadSinkGroup]);
  const ourTopics = new Set<string>([topics.events, topics.deadLetters]);
  for (const key of counts.lag.keys()) {
    const [group, topic] = key.split('\u0000') as [string, string];
    if (declaredGroups.has(group) || !ourTopics.has(topic) || !isRunning(groups, group)) continue;
    const id = nodeId.consumer(group);
    if (!nodes.has(id))
      addNode({
        id,
        kind: 'consumer',
        label: group,
        detail: 'consumer group (not configured)',
        declared: false,
        href: `/groups/${encodeURIComponent(group)}`,
      });
    addEdge({
      from: nodeId.topic(topic),
      to: id,
      declared: false,
      observed: true,
      metrics: metrics({
        total: 0,
        lagSeconds: counts.lag.get(key)?.lagSeconds ?? null,
        deadLetterRate: null,
        p95Ms: null,
        spark: [],
      }),
    });
  }
  const producedByIngest = total('accepted');
  const grown = counts.growth.get(topics.events) ?? 0;
  if (grown > 0 && producedByIngest === 0) {
    const id = 'source:(unknown producer)';
    addNode({
      id,
      kind: 'source',
      label: 'unknown producer',
      detail: `${grown} messages, no ingest request counted them`,
      declared: false,
      href: null,
    });
    addEdge({
      from: id,
      to: eventsTopic,
      declared: false,
      observed: true,
      metrics: metrics({ total: grown, lagSeconds: null, deadLetterRate: null, p95Ms: null, spark: [] }),
    });
  }

  return { now, window, nodes: [...nodes.values()], edges: [...edges.values()] };
}

function isRunning(groups: GroupStates, group: string): boolean {
  const state = groups.states.get(group);
  return state !== undefined && state !== 'EMPTY' && state !== 'DEAD';
}

function sumSeries(list: (number[] | undefined)[]): number[] {
  const present = list.filter((s): s is number[] => s !== undefined);
  if (present.length === 0) return [];
  return present[0]!.map((_, i) => present.reduce((sum, s) => sum + (s[i] ?? 0), 0));
}

function rate(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

function describeWindow(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} h` : `${Math.round(seconds / 60)} min`;
}
