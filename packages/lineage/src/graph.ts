/**
 * The lineage graph: where events come from, where they go, and how each hop is doing. Built
 * from configuration (what should flow) and reconciled with what Kafka and the services'
 * counters report (what does flow), see docs/decisions/lineage.md.
 */

export const nodeKinds = ['source', 'ingest', 'topic', 'consumer', 'processor', 'table', 'panel'] as const;
export type NodeKind = (typeof nodeKinds)[number];

export interface LineageNode {
  /** `<kind>:<name>`: `source:web`, `topic:tributary.events`, `panel:<dashboard>/<panel>`. */
  id: string;
  kind: NodeKind;
  label: string;
  /** A short line under the label: "2 write keys", "v3 · active", "6 partitions". */
  detail: string;
  /** In the platform's configuration. */
  declared: boolean;
  /** Seen by Kafka or the counters. */
  observed: boolean;
  /** ms since data last went through (from the counters, ±5 s), null when none in the window. */
  freshnessMs: number | null;
  /** The console page about this node. */
  href: string | null;
}

/**
 * flowing: declared, events in the window; idle: declared but nothing went through (or its
 * consumer is not running); undeclared: seen flowing but in no configuration.
 */
export type EdgeStatus = 'flowing' | 'idle' | 'undeclared';

export interface EdgeMetrics {
  /** Events over the window (for the consumer of a topic: events processed). */
  total: number;
  perSecond: number;
  /** How far behind the edge's consumer is, in seconds; null where no consumer group reads it. */
  lagSeconds: number | null;
  /** Share of the events that went to the dead-letter topic at this hop; null where none can. */
  deadLetterRate: number | null;
  /** p95 of ingest request → stored, as a histogram bound in ms ('inf' past the last); null when unknown. */
  p95Ms: number | 'inf' | null;
  /** Events per chart step over the window, oldest first. */
  spark: number[];
}

/** What the Live tail shows for an edge when it is clicked. */
export interface TailFilter {
  source?: string;
  eventType?: string;
  processor?: string;
}

export interface LineageEdge {
  id: string;
  from: string;
  to: string;
  declared: boolean;
  observed: boolean;
  status: EdgeStatus;
  /** Why it is flagged, in words; empty when flowing. */
  note: string;
  /** Null for edges that carry no events (a table read by a panel). */
  metrics: EdgeMetrics | null;
  tail: TailFilter | null;
}

export interface LineageGraph {
  /** Server clock when it was read, epoch ms. */
  now: number;
  window: { seconds: number; stepSeconds: number };
  nodes: LineageNode[];
  edges: LineageEdge[];
}

export const nodeId = {
  source: (name: string) => `source:${name}`,
  ingest: () => 'ingest',
  topic: (name: string) => `topic:${name}`,
  consumer: (group: string) => `consumer:${group}`,
  processor: (name: string) => `processor:${name}`,
  table: (name: string) => `table:${name}`,
  panel: (dashboard: string, panel: string) => `panel:${dashboard}/${panel}`,
};

export function edgeId(from: string, to: string): string {
  return `${from}->${to}`;
}
