import { describe, expect, it } from 'vitest';
import { dashboardDefinitionSchema } from '@tributary/contracts';
import { addPanel, chartRows, freshness, freshPanelId, removePanel, statFigure } from './dashboard-draft.ts';

const empty = dashboardDefinitionSchema.parse({});
const panel = {
  title: 'Sign-ups',
  viz: 'stat' as const,
  query: dashboardDefinitionSchema.parse({
    panels: [
      {
        id: 'x',
        title: 'x',
        viz: 'stat',
        query: { source: { kind: 'events' }, measure: { fn: 'count' } },
        layout: { x: 0, y: 0, w: 1, h: 1 },
      },
    ],
  }).panels[0]!.query,
};

describe('dashboard drafts', () => {
  it('adds panels under each other with ids from their titles', () => {
    const one = addPanel(empty, panel, { w: 4, h: 3 });
    const two = addPanel(one, panel, { w: 6, h: 5 });
    expect(two.panels.map((p) => [p.id, p.layout])).toEqual([
      ['sign-ups', { x: 0, y: 0, w: 4, h: 3 }],
      ['sign-ups-2', { x: 0, y: 3, w: 6, h: 5 }],
    ]);
    expect(removePanel(two, 'sign-ups').panels.map((p) => p.id)).toEqual(['sign-ups-2']);
    expect(freshPanelId(empty, '  !!  ')).toBe('panel');
  });

  it('lines series up per bucket and labels them by their group values', () => {
    const { rows, labels } = chartRows(
      [
        {
          key: ['page_view'],
          points: [
            { t: 0, v: 1 },
            { t: 60, v: 2 },
          ],
        },
        {
          key: [''],
          points: [
            { t: 0, v: 3 },
            { t: 60, v: null },
          ],
        },
      ],
      'fallback',
    );
    expect(labels).toEqual(['page_view', '(none)']);
    expect(rows).toEqual([
      { t: 0, page_view: 1, '(none)': 3 },
      { t: 60, page_view: 2, '(none)': null },
    ]);
  });

  it('totals additive measures over the range and shows the newest bucket otherwise', () => {
    const points = [{ v: 2 }, { v: 4 }, { v: 5 }];
    expect(statFigure('count', points)).toEqual({ value: 11, change: 0.25, total: true });
    expect(statFigure('unique_users', points)).toEqual({ value: 5, change: 0.25, total: false });
    expect(statFigure('avg', [{ v: 0 }, { v: 3 }])).toEqual({ value: 3, change: null, total: false });
  });

  it('turns the watermark into a badge: green, amber past 30 s, red past 2 min, unknown without one', () => {
    const now = 1_000_000;
    expect(freshness({ at: now - 4000 }, now)).toEqual({ tone: 'good', text: 'complete to 4 s ago' });
    expect(freshness({ at: now - 45_000 }, now).tone).toBe('warn');
    expect(freshness({ at: now - 180_000 }, now)).toEqual({ tone: 'bad', text: 'complete to 3 min ago' });
    expect(freshness({ at: null }, now)).toEqual({ tone: 'neutral', text: 'freshness unknown' });
  });
});
