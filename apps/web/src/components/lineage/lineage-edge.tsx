'use client';

import type { LineageEdge } from '@tributary/lineage/browser';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';
import { edgeFigures } from './edge-figures.ts';
import styles from './lineage.module.css';
import { Sparkline } from './sparkline.tsx';

export type LineageFlowEdge = Edge<
  { edge: LineageEdge; selected: boolean; onSelect: (id: string) => void },
  'lineage'
>;

/** A flow between two nodes, with its figures and sparkline on a label; dashed when flagged. */
export function LineageEdgeLine(props: EdgeProps<LineageFlowEdge>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data } = props;
  const [path, labelX, labelY] = getBezierPath({
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
  });
  if (!data) return null;
  const { edge, selected, onSelect } = data;
  const m = edge.metrics;
  return (
    <>
      <BaseEdge
        id={props.id}
        path={path}
        className={[styles.edgePath, styles[`edge_${edge.status}`], selected && styles.edgeSelected]
          .filter(Boolean)
          .join(' ')}
        interactionWidth={16}
      />
      <EdgeLabelRenderer>
        <button
          type="button"
          className={[
            m ? styles.edgeLabel : styles.edgeDot,
            styles[`label_${edge.status}`],
            selected && styles.labelSelected,
          ]
            .filter(Boolean)
            .join(' ')}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          onClick={() => onSelect(edge.id)}
          data-testid="lineage-edge"
          data-edge-id={edge.id}
          data-status={edge.status}
          data-total={m?.total ?? ''}
          title={edge.note || (m ? undefined : 'the panel reads this table')}
          aria-label={m ? undefined : 'reads'}
        >
          {/* A table read by a panel carries no events: a dot to click, no figures. */}
          {m && (
            <>
              <span className={styles.edgeFigures}>{edgeFigures(m).join(' · ')}</span>
              <Sparkline values={m.spark} />
              {edge.status !== 'flowing' && <span className={styles.edgeFlag}>{edge.status}</span>}
            </>
          )}
        </button>
      </EdgeLabelRenderer>
    </>
  );
}
