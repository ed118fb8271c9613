import { topicNames } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { buildLineageGraph, type BuildInput } from './build-graph.ts';
import { lagKey, type FlowCounts } from './flow-metrics.ts';
import { focusGraph, searchNodes } from './focus.ts';

const topics = topicNames('t.');
const now = 1_800_000_000_000;
const window = { seconds: 300, stepSeconds: 15 };

function counts(totals: Record<string, number>, extra: Partial<FlowCounts> = {}): FlowCounts {
  return {
    totals: new Map(Object.entries(totals)),
    series: new Map(Object.entries(totals).map(([k, v]) => [k, [...new Array<number>(19).fill(0), v]])),
    lastSeen: new Map(Object.entries(totals).map(([k]) => [k, now - 4000])),
    latency: new Map(),
    lag: new Map(),
    growth: new Map(),
    ...extra,
  };
}

function input(over: Partial<BuildInput> = {}): BuildInput {
  return {
    config: {
      topics,
      workersGroup: 'w',
      sources: [
        { name: 'web', activeKeys: 1 },
        { name: 'mobile', activeKeys: 0 },
      ],
      processors: [
        { name: 'geo', state: 'active', version: 2, eventTypes: ['page'], sources: [], table: 'proc_geo' },
      ],
      panels: [
        {
          dashboard: 'overview',
          dashboardTitle: 'Overview',
          panelId: 'views',
          panelTitle: 'Views',
          table: 'events',
          eventTypes: [],
        },
        {
          dashboard: 'overview',
          dashboardTitle: 'Overview',
          panelId: 'geo',
          panelTitle: 'By country',
          table: 'proc_geo',
          eventTypes: [],
        },
      ],
    },
    counts: counts(
      {
        received: 12,
        accepted: 10,
        rejected: 2,
        processed: 10,
        inserted: 9,
        dead_lettered: 3,
        'source:web:received': 12,
        'source:web:accepted': 10,
        'source:web:rejected': 2,
        'processor:geo:in': 4,
        'processor:geo:kept': 3,
        'processor:geo:dead_lettered': 1,
      },
      {
        latency: new Map([
          [
            'web',
            new Map<number | 'inf', number>([
              [100, 8],
              [1000, 1],
            ]),
          ],
        ]),
        lag: new Map([[lagKey('w', topics.events), { lagSeconds: 1.5, lag: 4, sampledAt: now }]]),
      },
    ),
    groups: {
      states: new Map([
        ['w', 'STABLE'],
        ['w-dead-letters', 'STABLE'],
      ]),
    },
    window,
    now,
    ...over,
  };
}

const edge = (g: ReturnType<typeof buildLineageGraph>, from: string, to: string) => {
  const e = g.edges.find((x) => x.from === from && x.to === to);
  if (!e) throw new Error(`no edge ${from} -> ${to}: ${g.edges.map((x) => x.id).join(', ')}`);
  return e;
};

describe('buildLineageGraph', () => {
  it('lays out the declared path from a source to its panels with the counters on each hop', () => {
    const g = buildLineageGraph(input());
    const src = edge(g, 'source:web', 'ingest');
    expect(src.status).toBe('flowing');
    expect(src.metrics).toMatchObject({ total: 12, perSecond: 0.04, deadLetterRate: 0.1667, p95Ms: 1000 });
    expect(src.tail).toEqual({ source: 'web' });
    expect(edge(g, 'ingest', 'topic:t.events').metrics?.total).toBe(10);
    expect(edge(g, 'ingest', 'topic:t.dead-letters').metrics?.total).toBe(2);
    const consume = edge(g, 'topic:t.events', 'consumer:w');
    // Workers' own dead letters: 3 counted in all, 2 of them ingest's rejects.
    expect(consume.metrics).toMatchObject({ total: 10, lagSeconds: 1.5, deadLetterRate: 0.1 });
    expect(edge(g, 'consumer:w', 'table:events').metrics?.total).toBe(9);
    expect(edge(g, 'consumer:w', 'processor:geo').metrics).toMatchObject({ total: 4, deadLetterRate: 0.25 });
    expect(edge(g, 'processor:geo', 'table:proc_geo').metrics?.total).toBe(3);
    expect(edge(g, 'table:events', 'panel:overview/views').status).toBe('flowing');
    expect(edge(g, 'table:proc_geo', 'panel:overview/geo').status).toBe('flowing');
    expect(src.metrics?.spark).toHaveLength(20);
    const panel = g.nodes.find((n) => n.id === 'panel:overview/views')!;
    expect(panel.href).toBe('/dashboards/overview#panel-views');
    expect(panel.freshnessMs).toBe(4000);
  });

  it('flags declared flows that are idle, saying why', () => {
    const g = buildLineageGraph(input({ groups: { states: new Map([['w', 'EMPTY']]) } }));
    const mobile = edge(g, 'source:mobile', 'ingest');
    expect(mobile.status).toBe('idle');
    expect(mobile.note).toMatch(/no usable write key/);
    const consume = edge(g, 'topic:t.events', 'consumer:w');
    expect(consume.status).toBe('idle');
    expect(consume.note).toMatch(/no worker is running/);
  });

  it('flags flows that Kafka or the counters see but no configuration declares', () => {
    const base = input();
    base.counts.totals.set('source:ghost:received', 5);
    base.counts.lag.set(lagKey('adhoc-reader', topics.events), { lagSeconds: 30, lag: 100, sampledAt: now });
    base.groups.states.set('adhoc-reader', 'STABLE');
    const g = buildLineageGraph(base);
    expect(edge(g, 'source:ghost', 'ingest')).toMatchObject({ status: 'undeclared', declared: false });
    expect(edge(g, 'topic:t.events', 'consumer:adhoc-reader')).toMatchObject({ status: 'undeclared' });

    const quiet = input({ counts: counts({}, { growth: new Map([[topics.events, 40]]) }) });
    const q = buildLineageGraph(quiet);
    expect(edge(q, 'source:(unknown producer)', 'topic:t.events')).toMatchObject({
      status: 'undeclared',
      metrics: expect.objectContaining({ total: 40 }),
    });
  });

  it('focuses on a node up and down to a depth, and finds nodes by words', () => {
    const g = buildLineageGraph(input());
    const f = focusGraph(g, 'processor:geo', 1);
    expect(f.nodes.map((n) => n.id).sort()).toEqual(['consumer:w', 'processor:geo', 'table:proc_geo']);
    const deeper = focusGraph(g, 'processor:geo', 2);
    expect(deeper.nodes.map((n) => n.id)).toContain('panel:overview/geo');
    expect(deeper.nodes.map((n) => n.id)).not.toContain('panel:overview/views');
    expect(searchNodes(g, 'by COUNTRY')).toEqual(['panel:overview/geo']);
    expect(searchNodes(g, '  ')).toEqual([]);
  });
});
