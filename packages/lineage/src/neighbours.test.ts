import { describe, expect, it } from 'vitest';
import { edgeId, type LineageEdge, type LineageGraph, type LineageNode, type NodeKind } from './graph.ts';
import { lineageNeighbours } from './neighbours.ts';

const node = (id: string, label: string): LineageNode => ({
  id,
  kind: (id.split(':')[0] === 'ingest' ? 'ingest' : id.split(':')[0]) as NodeKind,
  label,
  detail: '',
  declared: true,
  observed: true,
  freshnessMs: null,
  href: null,
});
const edge = (from: string, to: string): LineageEdge => ({
  id: edgeId(from, to),
  from,
  to,
  declared: true,
  observed: true,
  status: 'flowing',
  note: '',
  metrics: null,
  tail: null,
});

// web, ios → ingest → events topic → workers → events table → two panels; a processor beside.
const graph: LineageGraph = {
  now: 0,
  window: { seconds: 300, stepSeconds: 15 },
  nodes: [
    node('source:web', 'web'),
    node('source:ios', 'ios'),
    node('ingest', 'ingest'),
    node('topic:t.events', 't.events'),
    node('consumer:w', 'workers'),
    node('table:events', 'events'),
    node('panel:overview/views', 'Overview · Views'),
    node('panel:overview/buys', 'Overview · Buys'),
    node('processor:geo', 'geo'),
  ],
  edges: [
    edge('source:web', 'ingest'),
    edge('source:ios', 'ingest'),
    edge('ingest', 'topic:t.events'),
    edge('topic:t.events', 'consumer:w'),
    edge('topic:t.events', 'processor:geo'),
    edge('consumer:w', 'table:events'),
    edge('table:events', 'panel:overview/views'),
    edge('table:events', 'panel:overview/buys'),
  ],
};

describe('lineageNeighbours', () => {
  it('lists what feeds a node and what it feeds, nearest first, ties by label', () => {
    expect(lineageNeighbours(graph, 'consumer:w')).toEqual({
      upstream: ['t.events', 'ingest', 'ios', 'web'],
      downstream: ['events', 'Overview · Buys', 'Overview · Views'],
    });
  });

  it('does not go sideways: a sibling sharing a parent is neither up- nor downstream', () => {
    const n = lineageNeighbours(graph, 'processor:geo');
    expect(n.upstream).toEqual(['t.events', 'ingest', 'ios', 'web']);
    expect(n.downstream).toEqual([]);
  });

  it('ends of the graph and unknown nodes', () => {
    expect(lineageNeighbours(graph, 'source:web')).toEqual({
      upstream: [],
      downstream: ['ingest', 't.events', 'geo', 'workers', 'events', 'Overview · Buys', 'Overview · Views'],
    });
    expect(lineageNeighbours(graph, 'table:nope')).toEqual({ upstream: [], downstream: [] });
  });

  it('a cycle does not make a node its own neighbour', () => {
    const cyclic: LineageGraph = {
      ...graph,
      nodes: [node('topic:a', 'a'), node('processor:p', 'p')],
      edges: [edge('topic:a', 'processor:p'), edge('processor:p', 'topic:a')],
    };
    expect(lineageNeighbours(cyclic, 'topic:a')).toEqual({ upstream: ['p'], downstream: ['p'] });
  });
});
