import type { DashboardDefinition, DashboardPanel } from '@tributary/contracts';

/**
 * The dashboard grid's geometry and layout edits, pure so they are tested apart from React.
 * NOTE: the static grid (dashboards.module.css `.grid`) and the edit grid (grid-editor.tsx)
 * must agree on these, or a panel jumps when "Edit layout" is switched on.
 */
export const GRID_COLS = 12;
export const GRID_ROW_PX = 64;
export const GRID_GAP_PX = 12;
/** The contract's bounds (packages/contracts dashboards.ts). */
const MAX_H = 40;
const MAX_Y = 10_000;

export type PanelLayout = DashboardPanel['layout'];
/** Panel id → its cell, while the layout is being edited. */
export type LayoutDraft = Record<string, PanelLayout>;

export function layoutDraft(panels: readonly Pick<DashboardPanel, 'id' | 'layout'>[]): LayoutDraft {
  return Object.fromEntries(panels.map((p) => [p.id, { ...p.layout }]));
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(n)));

/** A cell as the contract accepts it: inside the 12 columns, 1–40 rows high, y ≤ 10000. */
export function clampLayout(l: PanelLayout): PanelLayout {
  const w = clamp(l.w, 1, GRID_COLS);
  return {
    x: clamp(l.x, 0, GRID_COLS - w),
    y: clamp(l.y, 0, MAX_Y),
    w,
    h: clamp(l.h, 1, MAX_H),
  };
}

/** Cells reported by the grid (react-grid-layout's `{i, x, y, w, h}` items) as a draft. */
export function draftFromGrid(
  items: readonly { i: string; x: number; y: number; w: number; h: number }[],
): LayoutDraft {
  return Object.fromEntries(items.map((it) => [it.i, clampLayout({ x: it.x, y: it.y, w: it.w, h: it.h })]));
}

/**
 * The definition with every panel at its drafted cell; panels the draft does not know (added by
 * someone else meanwhile) keep theirs. Nothing but layouts changes.
 */
export function applyLayout(def: DashboardDefinition, draft: LayoutDraft): DashboardDefinition {
  return {
    ...def,
    panels: def.panels.map((p) => {
      const l = draft[p.id];
      return l ? { ...p, layout: clampLayout(l) } : p;
    }),
  };
}

/** Whether the draft moves or resizes any panel. */
export function layoutChanged(
  panels: readonly Pick<DashboardPanel, 'id' | 'layout'>[],
  draft: LayoutDraft,
): boolean {
  return panels.some((p) => {
    const l = draft[p.id];
    return (
      l !== undefined &&
      (l.x !== p.layout.x || l.y !== p.layout.y || l.w !== p.layout.w || l.h !== p.layout.h)
    );
  });
}
