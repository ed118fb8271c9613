import type { LineageGraph } from './graph.ts';

/**
 * The part of the graph within `depth` hops of a node, upstream and downstream (not sideways:
 * a sibling reached through a shared parent is another flow). Big graphs stay readable.
 */
export function focusGraph(graph: LineageGraph, center: string, depth: number): LineageGraph {
  if (!graph.nodes.some((n) => n.id === center)) return graph;
  const keep = new Set([center]);
  for (const direction of ['down', 'up'] as const) {
    let frontier = new Set([center]);
    for (let d = 0; d < depth && frontier.size > 0; d++) {
      const next = new Set<string>();
      for (const e of graph.edges) {
        const [from, to] = direction === 'down' ? [e.from, e.to] : [e.to, e.from];
        if (frontier.has(from) && !keep.has(to)) {
          keep.add(to);
          next.add(to);
        }
      }
      frontier = next;
    }
  }
  return {
    ...graph,
    nodes: graph.nodes.filter((n) => keep.has(n.id)),
    edges: graph.edges.filter((e) => keep.has(e.from) && keep.has(e.to)),
  };
}

/** Nodes whose label, detail or id contain every word of the query (case-insensitive). */
export function searchNodes(graph: LineageGraph, query: string): string[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  return graph.nodes
    .filter((n) => {
      const text = `${n.label} ${n.detail} ${n.id}`.toLowerCase();
      return words.every((w) => text.includes(w));
    })
    .map((n) => n.id);
}
