'use client';

import {
  searchNodes,
  type LineageEdge,
  type LineageGraph,
  type LineageNode,
} from '@tributary/lineage/browser';
import { useQuery } from '@tanstack/react-query';
import { Background, Controls, ReactFlow, ReactFlowProvider } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { useAlertsByLineageNode } from '../../hooks/alerts.ts';
import { pollUnlessFailed } from '../../lib/error-text.ts';
import { pipelineWindowKeys, pipelineWindows, type PipelineWindow } from '../../lib/windows.ts';
import { useTRPC } from '../../trpc/react.tsx';
import { QueryError } from '../error-banner.tsx';
import { Badge, Button, Select, TextInput } from '../ui/index.ts';
import { edgeFigures, freshnessWords, liveHref } from './edge-figures.ts';
import { layoutGraph } from './layout-graph.ts';
import { LineageEdgeLine, type LineageFlowEdge } from './lineage-edge.tsx';
import { LineageNodeCard, type LineageFlowNode } from './lineage-node.tsx';
import styles from './lineage.module.css';
import { Sparkline } from './sparkline.tsx';

/** The counters flush every 5 s; polling every 3 s keeps every figure under 10 s old. */
export const LINEAGE_REFRESH_MS = 3_000;

const nodeTypes = { lineage: LineageNodeCard };
const edgeTypes = { lineage: LineageEdgeLine };
const windowOptions = pipelineWindowKeys.map((w) => ({
  value: w,
  label: `last ${pipelineWindows[w].label}`,
}));
const depthOptions = (['1', '2', '3', '4', '6'] as const).map((d) => ({
  value: d,
  label: `${d} hop${d === '1' ? '' : 's'}`,
}));

export function LineageView({ initialFocus }: { initialFocus?: string }) {
  return (
    <ReactFlowProvider>
      <LineageCanvas initialFocus={initialFocus} />
    </ReactFlowProvider>
  );
}

function LineageCanvas({ initialFocus }: { initialFocus?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [window, setWindow] = useState<PipelineWindow>('5m');
  const [focus, setFocus] = useState<string | undefined>(initialFocus);
  const [depth, setDepth] = useState<(typeof depthOptions)[number]['value']>('2');
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<{ kind: 'edge' | 'node'; id: string } | null>(null);
  const graph = useQuery(
    trpc.lineage.graph.queryOptions(
      { window, focus: focus ? { node: focus, depth: Number(depth) } : undefined },
      { refetchInterval: pollUnlessFailed(LINEAGE_REFRESH_MS), placeholderData: (prev) => prev },
    ),
  );
  const g = graph.data;
  const { positions, version } = useLayout(g);
  const matches = useMemo(() => new Set(g && search.trim() ? searchNodes(g, search) : []), [g, search]);
  const { byNode: alertsByNode } = useAlertsByLineageNode();

  const nodes: LineageFlowNode[] = useMemo(
    () =>
      (g?.nodes ?? [])
        .filter((n) => positions.has(n.id))
        .map((n) => ({
          id: n.id,
          type: 'lineage',
          position: positions.get(n.id)!,
          data: {
            node: n,
            match: matches.has(n.id),
            selected: selected?.kind === 'node' && selected.id === n.id,
            alerts: alertsByNode.get(n.id)?.length ?? 0,
          },
          draggable: false,
        })),
    [g, positions, matches, selected, alertsByNode],
  );
  const edges: LineageFlowEdge[] = useMemo(
    () =>
      (g?.edges ?? [])
        .filter((e) => positions.has(e.from) && positions.has(e.to))
        .map((e) => ({
          id: e.id,
          source: e.from,
          target: e.to,
          type: 'lineage',
          data: {
            edge: e,
            selected: selected?.kind === 'edge' && selected.id === e.id,
            onSelect: (id: string) => setSelected({ kind: 'edge', id }),
          },
        })),
    [g, positions, selected],
  );

  // Each new layout (a focus, a new processor) mounts a canvas fitted to it; polls that only
  // change figures keep the canvas, and whatever zoom the reader chose.

  const selectedEdge = selected?.kind === 'edge' ? g?.edges.find((e) => e.id === selected.id) : undefined;
  const selectedNode = selected?.kind === 'node' ? g?.nodes.find((n) => n.id === selected.id) : undefined;
  const flagged = (g?.edges ?? []).filter((e) => e.status !== 'flowing');

  return (
    <>
      <div className="page-head">
        <h1>Lineage</h1>
        <span className="live-dot" title={`Refreshes every ${LINEAGE_REFRESH_MS / 1000} s`}>
          live · every {LINEAGE_REFRESH_MS / 1000} s
        </span>
      </div>
      <p className="muted">
        Where events come from and where they go: sources → ingest → topics → workers → processors → tables →
        dashboard panels. Figures on each flow cover the chosen window, from the services&apos; own counters
        (the Pipeline page&apos;s numbers). Dashed flows are flagged: declared but idle, or flowing but
        undeclared.
      </p>
      <div className={styles.toolbar}>
        <label>
          Window <Select options={windowOptions} value={window} onValue={setWindow} aria-label="Window" />
        </label>
        <label>
          Search{' '}
          <TextInput
            value={search}
            placeholder="source, topic, panel…"
            onChange={(e) => setSearch(e.target.value)}
            onKeyDown={(e) => {
              const first = [...matches][0];
              if (e.key === 'Enter' && first) setSelected({ kind: 'node', id: first });
            }}
            aria-label="Search nodes"
          />
        </label>
        {search.trim() !== '' && <span className="muted">{matches.size} found</span>}
        <label>
          Depth <Select options={depthOptions} value={depth} onValue={setDepth} aria-label="Focus depth" />
        </label>
        {focus ? (
          <Button onClick={() => setFocus(undefined)} testId="lineage-unfocus">
            Show everything
          </Button>
        ) : null}
      </div>
      <QueryError queries={[graph]} />
      {focus && (
        <p className="muted" data-testid="lineage-focus">
          Focused on <strong>{g?.nodes.find((n) => n.id === focus)?.label ?? focus}</strong>, {depth} hop
          {depth === '1' ? '' : 's'} up and down.
        </p>
      )}
      <div
        className={styles.canvas}
        data-testid="lineage-graph"
        data-nodes={nodes.length}
        data-edges={edges.length}
      >
        {g && (
          <ReactFlow
            key={version}
            fitView
            fitViewOptions={{ padding: 0.15 }}
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            nodesConnectable={false}
            onNodeClick={(_, n) => {
              const node = g.nodes.find((x) => x.id === n.id);
              // A panel opens where it lives; any other node is selected, to focus on it or open it.
              if (node?.kind === 'panel' && node.href) router.push(node.href);
              else setSelected({ kind: 'node', id: n.id });
            }}
            onEdgeClick={(_, e) => setSelected({ kind: 'edge', id: e.id })}
            minZoom={0.2}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={24} />
            <Controls showInteractive={false} />
          </ReactFlow>
        )}
      </div>
      {selectedEdge && <EdgeDetail edge={selectedEdge} graph={g!} />}
      {selectedNode && (
        <NodeDetail
          node={selectedNode}
          alerts={alertsByNode.get(selectedNode.id) ?? []}
          onFocus={() => {
            setFocus(selectedNode.id);
            setSelected(null);
          }}
        />
      )}
      {flagged.length > 0 && (
        <section className="card" data-testid="lineage-flags">
          <h2>Flagged flows</h2>
          <ul className={styles.flagList}>
            {flagged.map((e) => (
              <li key={e.id}>
                <Badge tone={e.status === 'undeclared' ? 'bad' : 'warn'}>{e.status}</Badge>{' '}
                <button
                  type="button"
                  className={styles.linkButton}
                  onClick={() => setSelected({ kind: 'edge', id: e.id })}
                >
                  {labelOf(g!, e.from)} → {labelOf(g!, e.to)}
                </button>{' '}
                <span className="muted">{e.note}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function EdgeDetail({ edge, graph }: { edge: LineageEdge; graph: LineageGraph }) {
  const m = edge.metrics;
  return (
    <section className="card" data-testid="lineage-edge-detail">
      <h2>
        {labelOf(graph, edge.from)} → {labelOf(graph, edge.to)}{' '}
        <Badge tone={edge.status === 'flowing' ? 'good' : edge.status === 'idle' ? 'warn' : 'bad'}>
          {edge.status}
        </Badge>
      </h2>
      {edge.note && <p className="muted">{edge.note}</p>}
      {m ? (
        <>
          <p>
            <strong data-testid="edge-total">{m.total.toLocaleString('en-US')}</strong> events in the last{' '}
            {describeSeconds(graph.window.seconds)} · {edgeFigures(m).join(' · ')}
          </p>
          <div className={styles.bigSpark}>
            <Sparkline values={m.spark} width={320} height={40} />
            <span className="muted">per {graph.window.stepSeconds} s</span>
          </div>
        </>
      ) : (
        <p className="muted">The panel reads this table; no events travel on this edge.</p>
      )}
      {edge.tail && (
        <p>
          <Link href={liveHref(edge.tail)} data-testid="edge-live-link">
            Open the Live tail of this flow
          </Link>
        </p>
      )}
    </section>
  );
}

function NodeDetail({
  node,
  alerts,
  onFocus,
}: {
  node: LineageNode;
  alerts: readonly { rule: string; ruleTitle: string; groupKey: string; state: string }[];
  onFocus: () => void;
}) {
  return (
    <section className="card" data-testid="lineage-node-detail">
      <h2>
        {node.label} <span className="muted">({node.kind})</span>
      </h2>
      <p className="muted">
        {node.detail}
        {node.kind !== 'ingest' && ` · newest data ${freshnessWords(node.freshnessMs)}`}
        {!node.declared && ' · seen, but in no configuration'}
      </p>
      <div className={styles.toolbar}>
        <Button onClick={onFocus} testId="lineage-focus-button">
          Focus here
        </Button>
        {node.href && <Link href={node.href}>Open</Link>}
      </div>
      {alerts.length > 0 && (
        <>
          <h3>Active alerts</h3>
          <ul aria-label="Active alerts on this node" data-testid="node-alert-list">
            {alerts.map((a) => (
              <li key={`${a.rule}\n${a.groupKey}`}>
                <Badge tone={a.state === 'pending' ? 'info' : 'bad'}>{a.state.replace('_', ' ')}</Badge>{' '}
                {a.ruleTitle}
              </li>
            ))}
          </ul>
          <Link href="/alerts">Open the Alerts page</Link>
        </>
      )}
    </section>
  );
}

/** Node positions, laid out again only when the set of nodes or edges changes; `version` counts layouts. */
function useLayout(g: LineageGraph | undefined): {
  positions: Map<string, { x: number; y: number }>;
  version: number;
} {
  const [laid, setLaid] = useState({ positions: new Map<string, { x: number; y: number }>(), version: 0 });
  const key = g ? `${g.nodes.map((n) => n.id).join('|')}#${g.edges.map((e) => e.id).join('|')}` : '';
  useEffect(() => {
    if (!g) return;
    let current = true;
    void layoutGraph(g.nodes, g.edges).then((positions) => {
      if (current) setLaid((prev) => ({ positions, version: prev.version + 1 }));
    });
    return () => {
      current = false;
    };
  }, [key]);
  return laid;
}

function labelOf(g: LineageGraph, id: string): string {
  return g.nodes.find((n) => n.id === id)?.label ?? id;
}

function describeSeconds(s: number): string {
  return s >= 3600 ? `${s / 3600} h` : `${s / 60} min`;
}
