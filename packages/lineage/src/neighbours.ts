import type { LineageGraph, LineageNode } from './graph.ts';

export interface LineageNeighbours {
  /** Labels of the nodes data reaches this node from, nearest first. */
  upstream: string[];
  /** Labels of the nodes this node's data goes on to, nearest first. */
  downstream: string[];
}

/**
 * What feeds a node and what it feeds, as labels for a person (an alert's message says "upstream:
 * web, ingest, events topic"). Transitive, nearest first (ties by label), the node itself never
 * included (a cycle through it is not "upstream of itself"). An unknown node has neither.
 */
export function lineageNeighbours(graph: LineageGraph, id: string): LineageNeighbours {
  const byId = new Map<string, LineageNode>(graph.nodes.map((n) => [n.id, n]));
  if (!byId.has(id)) return { upstream: [], downstream: [] };
  const walk = (direction: 'up' | 'down'): string[] => {
    const seen = new Set([id]);
    const out: string[] = [];
    let frontier = [id];
    while (frontier.length > 0) {
      const next = new Set<string>();
      for (const e of graph.edges) {
        const [from, to] = direction === 'down' ? [e.from, e.to] : [e.to, e.from];
        if (frontier.includes(from) && !seen.has(to) && byId.has(to)) next.add(to);
      }
      const level = [...next].sort((a, b) => {
        const la = byId.get(a)!.label;
        const lb = byId.get(b)!.label;
        return la < lb ? -1 : la > lb ? 1 : 0;
      });
      for (const n of level) {
        seen.add(n);
        out.push(byId.get(n)!.label);
      }
      frontier = level;
    }
    return out;
  };
  return { upstream: walk('up'), downstream: walk('down') };
}
