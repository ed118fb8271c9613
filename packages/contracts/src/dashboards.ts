import { z } from 'zod';
import {
  checkSourceFields,
  PANEL_MAX_SERIES,
  panelFieldSchema,
  panelFilterSchema,
  panelIntervals,
  panelMeasureSchema,
  panelSourceSchema,
} from './panels.ts';

/**
 * A dashboard as stored and as kept in code (`/api/v1/dashboards`): panels on a 12-column grid,
 * each a visualisation of a panel query without its time range (the dashboard's range applies),
 * variables that filters may name, the saved range and the auto-refresh.
 */

export const dashboardSlugSchema = z
  .string()
  .min(1, 'a dashboard name is required')
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'a dashboard name uses lower-case letters, digits, "-" and "_"');

export const panelVizKinds = ['line', 'area', 'bar', 'table', 'stat', 'pie'] as const;
export type PanelViz = (typeof panelVizKinds)[number];

export const dashboardRefreshSeconds = [0, 2, 5, 10, 30, 60] as const;
export const dashboardRanges = ['15m', '1h', '6h', '24h', '7d', '30d'] as const;
export type DashboardRange = (typeof dashboardRanges)[number];

const RANGE_MS: Record<DashboardRange, number> = {
  '15m': 15 * 60_000,
  '1h': 3600_000,
  '6h': 6 * 3600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

/** The absolute range a relative one means at `now`. */
export function dashboardRangeAt(range: DashboardRange, now: number): { from: number; to: number } {
  return { from: now - RANGE_MS[range], to: now };
}

const variableName = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{0,39}$/,
    'a variable name is lower-case letters, digits and _, starting with a letter',
  );

export const dashboardVariableSchema = z.object({
  name: variableName,
  label: z.string().max(100).optional(),
  /** What its values are: event types, sources, or the values of a field (suggested as typed). */
  kind: z.enum(['event_type', 'source', 'field']),
  field: panelFieldSchema.optional(),
  /** null: no filter while unset. */
  default: z.string().max(1000).nullable().default(null),
});
export type DashboardVariable = z.output<typeof dashboardVariableSchema>;

/** A filter whose value is a variable's current value; while the variable is unset it does not apply. */
export const variableFilterSchema = z.object({
  field: panelFieldSchema,
  op: z.enum(['=', '!=']),
  variable: variableName,
});

export const dashboardPanelQuerySchema = z
  .object({
    source: panelSourceSchema,
    measure: panelMeasureSchema,
    groupBy: z.array(panelFieldSchema).max(2, 'a panel groups by at most 2 fields').default([]),
    filters: z
      .array(z.union([variableFilterSchema, panelFilterSchema]))
      .max(20)
      .default([]),
    interval: z.union([z.literal(panelIntervals), z.literal('auto')]).default('auto'),
    seriesLimit: z.number().int().min(1).max(PANEL_MAX_SERIES).default(20),
  })
  .superRefine(checkSourceFields);
export type DashboardPanelQuery = z.output<typeof dashboardPanelQuerySchema>;

/** Longest SQL a panel may hold. */
export const PANEL_SQL_MAX_CHARS = 20_000;

/**
 * A raw SQL panel's statement: one SELECT (or WITH … SELECT) over the platform's database, run
 * with the read-only analyst ClickHouse user and the panel limits (docs/decisions/raw-sql-panels.md).
 * `{from:DateTime64(3)}` and `{to:DateTime64(3)}` are bound to the dashboard's range,
 * `{interval:UInt32}` to a bucket size in seconds that fits the range. Checked again (by the
 * engine's parser) before every run; here only its size.
 */
export const panelSqlSchema = z
  .string()
  .trim()
  .min(1, 'write a SELECT')
  .max(PANEL_SQL_MAX_CHARS, `a panel's SQL has at most ${PANEL_SQL_MAX_CHARS} characters`);

/** What a panel without a builder query holds in `query` (an SQL panel): never run, reads no field. */
export const SQL_PANEL_QUERY: DashboardPanelQuery = {
  source: { kind: 'events', eventTypes: [] },
  measure: { fn: 'count' },
  groupBy: [],
  filters: [],
  interval: 'auto',
  seriesLimit: 20,
};

export const dashboardPanelSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a panel id is lower-case letters, digits, "-" and "_"'),
  title: z.string().trim().min(1, 'give the panel a title').max(200),
  viz: z.enum(panelVizKinds),
  /**
   * The builder's query. An SQL panel (with `sql`) may leave it out: it then holds
   * SQL_PANEL_QUERY, which nothing runs (definitions saved before SQL panels stay valid).
   */
  query: dashboardPanelQuerySchema.default(() => ({ ...SQL_PANEL_QUERY })),
  /** Set: a raw SQL panel; the builder query is not run. See panelSqlSchema. */
  sql: panelSqlSchema.optional(),
  /** Grid cell: 12 columns; rows of fixed height. */
  layout: z.object({
    x: z.number().int().min(0).max(11),
    y: z.number().int().min(0).max(10_000),
    w: z.number().int().min(1).max(12),
    h: z.number().int().min(1).max(40),
  }),
});
export type DashboardPanel = z.output<typeof dashboardPanelSchema>;

export const dashboardDefinitionSchema = z
  .object({
    panels: z.array(dashboardPanelSchema).max(50, 'a dashboard has at most 50 panels').default([]),
    variables: z.array(dashboardVariableSchema).max(10).default([]),
    range: z.enum(dashboardRanges).default('1h'),
    refreshSeconds: z.union(dashboardRefreshSeconds.map((s) => z.literal(s))).default(0),
  })
  .superRefine((d, ctx) => {
    const ids = new Set<string>();
    d.panels.forEach((p, i) => {
      if (ids.has(p.id))
        ctx.addIssue({
          code: 'custom',
          path: ['panels', i, 'id'],
          message: `panel id ${p.id} is used twice`,
        });
      ids.add(p.id);
      if (p.layout.x + p.layout.w > 12) {
        ctx.addIssue({
          code: 'custom',
          path: ['panels', i, 'layout'],
          message: 'the panel runs past the 12th column',
        });
      }
    });
    const names = new Set(d.variables.map((v) => v.name));
    if (names.size !== d.variables.length) {
      ctx.addIssue({ code: 'custom', path: ['variables'], message: 'a variable name is used twice' });
    }
    d.variables.forEach((v, i) => {
      if (v.kind === 'field' && !v.field) {
        ctx.addIssue({
          code: 'custom',
          path: ['variables', i, 'field'],
          message: 'a field variable names its field',
        });
      }
    });
    d.panels.forEach((p, i) =>
      p.query.filters.forEach((f, j) => {
        if ('variable' in f && !names.has(f.variable)) {
          ctx.addIssue({
            code: 'custom',
            path: ['panels', i, 'query', 'filters', j, 'variable'],
            message: `no variable named ${f.variable}`,
          });
        }
      }),
    );
  });
export type DashboardDefinition = z.output<typeof dashboardDefinitionSchema>;
export type DashboardDefinitionInput = z.input<typeof dashboardDefinitionSchema>;

/** Whether a panel runs raw SQL rather than its builder query. */
export function isSqlPanel(panel: Pick<DashboardPanel, 'sql'>): panel is DashboardPanel & { sql: string } {
  return typeof panel.sql === 'string' && panel.sql.length > 0;
}

/** The variables a panel's query reads: a change of any other leaves the panel as it is. */
export function panelVariables(
  panel: Pick<DashboardPanel, 'query'> & { sql?: string | undefined },
): string[] {
  if (panel.sql) return [];
  return [...new Set(panel.query.filters.flatMap((f) => ('variable' in f ? [f.variable] : [])))];
}
