'use client';

import type { DashboardPanel } from '@tributary/contracts';
import type { ReactNode } from 'react';
import ReactGridLayout, { useContainerWidth, verticalCompactor, type Layout } from 'react-grid-layout';
import 'react-grid-layout/css/styles.css';
import styles from './grid-editor.module.css';
import { draftFromGrid, GRID_COLS, GRID_GAP_PX, GRID_ROW_PX, type LayoutDraft } from './grid-layout.ts';

/**
 * The dashboard grid while its layout is edited: panels dragged by their header and resized by
 * the corner, on the same 12 columns, row height and gaps as the static grid. Panels float up
 * into empty rows (vertical compaction), so one pushed aside while another is dragged over it
 * comes back once that one has passed; a definition with empty rows (written by hand through the
 * API) loses them when its layout is edited, and Save shows as available at once.
 */
export function GridEditor(props: {
  panels: readonly DashboardPanel[];
  draft: LayoutDraft;
  onChange: (draft: LayoutDraft) => void;
  renderPanel: (panel: DashboardPanel) => ReactNode;
}) {
  const { width, containerRef, mounted } = useContainerWidth();
  const layout: Layout = props.panels.map((p) => {
    const l = props.draft[p.id] ?? p.layout;
    return { i: p.id, x: l.x, y: l.y, w: l.w, h: l.h, maxH: 40 };
  });
  return (
    <div ref={containerRef} className={styles.editing} data-testid="dashboard-grid" data-editing="true">
      {mounted && (
        <ReactGridLayout
          width={width}
          layout={layout}
          gridConfig={{
            cols: GRID_COLS,
            rowHeight: GRID_ROW_PX,
            margin: [GRID_GAP_PX, GRID_GAP_PX],
            containerPadding: [0, 0],
          }}
          // NOTE: the header is the handle; its buttons and the panel menu must stay clickable.
          dragConfig={{ enabled: true, handle: 'header', cancel: 'button, [role="menu"], a, input' }}
          resizeConfig={{ enabled: true, handles: ['se'] }}
          compactor={verticalCompactor}
          onLayoutChange={(next) => props.onChange(draftFromGrid(next))}
        >
          {props.panels.map((p) => (
            <div key={p.id} className={styles.item} data-testid="grid-item" data-panel={p.id}>
              {props.renderPanel(p)}
            </div>
          ))}
        </ReactGridLayout>
      )}
    </div>
  );
}
