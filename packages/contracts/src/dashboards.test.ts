import { describe, expect, it } from 'vitest';
import { dashboardDefinitionSchema, isSqlPanel, panelVariables, SQL_PANEL_QUERY } from './dashboards.ts';

const layout = { x: 0, y: 0, w: 6, h: 4 };

describe('SQL panels in a definition', () => {
  it('hold sql without a builder query; builder panels stay as they were; both round-trip', () => {
    const def = dashboardDefinitionSchema.parse({
      panels: [
        {
          id: 'q',
          title: 'Count',
          viz: 'stat',
          query: { source: { kind: 'events' }, measure: { fn: 'count' } },
          layout,
        },
        { id: 's', title: 'By hand', viz: 'table', sql: '  SELECT 1  ', layout },
        {
          id: 'p',
          title: 'Orders',
          viz: 'line',
          query: {
            source: { kind: 'processor', processor: 'orders' },
            measure: { fn: 'sum', field: 'amount' },
          },
          layout,
        },
      ],
    });
    const [q, s] = def.panels;
    expect(isSqlPanel(q!)).toBe(false);
    expect(isSqlPanel(s!)).toBe(true);
    expect(s!.sql).toBe('SELECT 1');
    expect(s!.query).toEqual(SQL_PANEL_QUERY);
    expect(panelVariables(s!)).toEqual([]);
    expect(dashboardDefinitionSchema.parse(JSON.parse(JSON.stringify(def)))).toEqual(def);
  });

  it('refuses empty or oversized SQL, and a bare column on an events source', () => {
    const bad = dashboardDefinitionSchema.safeParse({
      panels: [
        { id: 'a', title: 'A', viz: 'table', sql: '   ', layout },
        { id: 'b', title: 'B', viz: 'table', sql: 'x'.repeat(20_001), layout },
        {
          id: 'c',
          title: 'C',
          viz: 'line',
          query: { source: { kind: 'events' }, measure: { fn: 'sum', field: 'amount' } },
          layout,
        },
      ],
    });
    const text = bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n') ?? '';
    expect(text).toMatch(/panels\.0\.sql: write a SELECT/);
    expect(text).toMatch(/panels\.1\.sql: a panel's SQL has at most 20000 characters/);
    expect(text).toMatch(/panels\.2\.query\.measure\.field: a panel field is event_type/);
  });
});
