'use client';

import type { LineageNode } from '@tributary/lineage/browser';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { freshnessTone, freshnessWords } from './edge-figures.ts';
import styles from './lineage.module.css';

export type LineageFlowNode = Node<
  // alerts: how many active alerts are about this node (the Alerts page's lineageNode).
  { node: LineageNode; match: boolean; selected: boolean; alerts: number },
  'lineage'
>;

const KIND_WORDS: Record<LineageNode['kind'], string> = {
  source: 'source',
  ingest: 'ingest',
  topic: 'topic',
  consumer: 'consumer',
  processor: 'processor',
  table: 'table',
  panel: 'panel',
};

/** One box of the graph: its kind, name, a line of detail and how fresh its data is. */
export function LineageNodeCard({ data }: NodeProps<LineageFlowNode>) {
  const { node, match, selected, alerts } = data;
  const tone = freshnessTone(node.freshnessMs);
  const showsFreshness = node.kind !== 'ingest' && node.kind !== 'topic' && node.kind !== 'consumer';
  return (
    <div
      className={[
        styles.node,
        styles[`kind_${node.kind}`],
        !node.declared && styles.undeclaredNode,
        match && styles.match,
        selected && styles.selectedNode,
      ]
        .filter(Boolean)
        .join(' ')}
      data-testid="lineage-node"
      data-node-id={node.id}
      data-declared={node.declared}
      title={node.declared ? node.id : `${node.id}: seen, but in no configuration`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className={styles.nodeHead}>
        <span className={styles.kind}>{KIND_WORDS[node.kind]}</span>
        {!node.declared && <span className={styles.flag}>not declared</span>}
        {alerts > 0 && (
          <span
            className={styles.alertBadge}
            role="status"
            aria-label={`${alerts} active alert${alerts === 1 ? '' : 's'}`}
            data-testid="node-alerts"
          >
            {alerts} alert{alerts === 1 ? '' : 's'}
          </span>
        )}
      </div>
      <div className={styles.nodeLabel}>{node.label}</div>
      <div className={styles.nodeDetail}>
        {node.detail}
        {showsFreshness && (
          <span className={`${styles.fresh} ${styles[`fresh_${tone}`]}`} data-testid="node-freshness">
            {freshnessWords(node.freshnessMs)}
          </span>
        )}
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}
