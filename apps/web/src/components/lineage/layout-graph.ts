import ELK from 'elkjs/lib/elk.bundled.js';

// Layered left-to-right layout (sources on the left, panels on the right), computed in the
// page: elk's bundled build needs no worker file, and a graph of a few hundred nodes lays out
// in tens of milliseconds (docs/decisions/lineage.md).
const elk = new ELK();

export const NODE_WIDTH = 210;
export const NODE_HEIGHT = 64;

export async function layoutGraph(
  nodes: { id: string }[],
  edges: { id: string; from: string; to: string }[],
): Promise<Map<string, { x: number; y: number }>> {
  const laid = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '150',
      'elk.spacing.nodeNode': '28',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: edges.map((e) => ({ id: e.id, sources: [e.from], targets: [e.to] })),
  });
  return new Map((laid.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
}
