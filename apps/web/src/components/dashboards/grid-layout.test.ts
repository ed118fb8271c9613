import { describe, expect, it } from 'vitest';
import { dashboardDefinitionSchema } from '@tributary/contracts';
import { applyLayout, clampLayout, draftFromGrid, layoutChanged, layoutDraft } from './grid-layout.ts';

const def = dashboardDefinitionSchema.parse({
  panels: ['a', 'b'].map((id, i) => ({
    id,
    title: id,
    viz: 'line',
    query: { source: { kind: 'events' }, measure: { fn: 'count' } },
    layout: { x: i * 6, y: 0, w: 6, h: 4 },
  })),
});

describe('grid layout', () => {
  it('keeps cells inside the contract: 12 columns, 1–40 rows, whole numbers', () => {
    expect(clampLayout({ x: 10, y: -1, w: 4, h: 99 })).toEqual({ x: 8, y: 0, w: 4, h: 40 });
    expect(clampLayout({ x: 0.4, y: 2.6, w: 0, h: 0 })).toEqual({ x: 0, y: 3, w: 1, h: 1 });
    expect(clampLayout({ x: 3, y: 20_000, w: 20, h: 2 })).toEqual({ x: 0, y: 10_000, w: 12, h: 2 });
  });

  it('applies a draft to layouts only, and leaves panels it does not know', () => {
    const draft = draftFromGrid([{ i: 'a', x: 0, y: 4, w: 12, h: 3 }]);
    const next = applyLayout(def, draft);
    expect(next.panels.map((p) => p.layout)).toEqual([
      { x: 0, y: 4, w: 12, h: 3 },
      { x: 6, y: 0, w: 6, h: 4 },
    ]);
    expect(next.panels[0]!.query).toEqual(def.panels[0]!.query);
    expect(dashboardDefinitionSchema.safeParse(next).success).toBe(true);
  });

  it('tells whether anything moved', () => {
    expect(layoutChanged(def.panels, layoutDraft(def.panels))).toBe(false);
    expect(layoutChanged(def.panels, { ...layoutDraft(def.panels), b: { x: 6, y: 0, w: 6, h: 5 } })).toBe(
      true,
    );
  });
});
