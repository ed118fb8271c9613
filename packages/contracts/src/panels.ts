import { z } from 'zod';

/**
 * A dashboard panel's query: what to measure over which events, grouped and filtered by event
 * fields, bucketed in time. @tributary/analytics plans it onto a rollup or the raw `events`
 * table (docs/decisions/rollup-routing.md). Every field path is checked here against a strict
 * pattern and every value is bound as a query parameter, so nothing a user types becomes SQL.
 */

/** Allowed bucket sizes in seconds; every one divides a UTC day, so buckets never straddle one. */
export const panelIntervals = [60, 300, 900, 3600, 86400] as const;
export type PanelInterval = (typeof panelIntervals)[number];

/** Longest range a panel may ask for. */
export const PANEL_MAX_RANGE_MS = 90 * 86_400_000;
/** Most points one series may have (range / interval); 'auto' picks the finest interval under it. */
export const PANEL_MAX_POINTS = 1500;
/**
 * Points per series 'auto' aims under: a panel is a few hundred pixels wide, and 1,440 points a
 * series (a day by the minute) made twelve charts take about a second to draw in the browser.
 */
export const PANEL_AUTO_POINTS = 300;
/** Fewer points than this read as a few bars, not a shape: 'auto' then takes the finer interval. */
export const PANEL_AUTO_MIN_POINTS = 50;
/** Most series (group combinations) one panel returns: the top ones by number of events. */
export const PANEL_MAX_SERIES = 100;

/** Root columns a panel may name directly; everything else is a path into a JSON column. */
export const panelRootFields = ['event_type', 'source', 'user_id'] as const;

/** The pattern of a field of the events table (the only form an `events` source accepts). */
export const EVENT_FIELD_RE = /^(event_type|source|user_id|(data|metadata|derived)(\.[A-Za-z0-9_]+){1,10})$/;
export const EVENT_FIELD_MESSAGE =
  'a panel field is event_type, source, user_id or a dotted path under data., metadata. or derived. (letters, digits and _), e.g. data.amount';

/**
 * `event_type`, `source`, `user_id`, or a dotted path under data., metadata. or derived.
 * (letters, digits and _ per segment): `data.amount`, `metadata.campaign.id`. A panel over a
 * processor's table names that table's columns instead (`amount`, `plan`): lower-case letters,
 * digits and _, as processor column names are; the planner checks they exist.
 */
export const panelFieldSchema = z
  .string()
  .max(200)
  .regex(
    /^(event_type|source|user_id|(data|metadata|derived)(\.[A-Za-z0-9_]+){1,10}|[a-z][a-z0-9_]{0,47})$/,
    EVENT_FIELD_MESSAGE + "; over a processor's table, one of its columns",
  );

export const panelSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('events'),
    /** Empty: every event type. */
    eventTypes: z.array(z.string().min(1).max(200)).max(100).default([]),
  }),
  /**
   * A processor's own output table (`proc_<table>`, a 'table' output): fields are its columns,
   * read on the raw route (FINAL: the table replaces redelivered rows), never from the rollups.
   */
  z.object({
    kind: z.literal('processor'),
    processor: z
      .string()
      .min(1)
      .max(48)
      .regex(/^[a-z][a-z0-9_]*$/, 'a processor name is lower-case letters, digits and _'),
  }),
]);
export type PanelSourceSpec = z.output<typeof panelSourceSchema>;

/** Every field a panel query names, with where (for messages and impact checks). */
export function panelQueryFields(q: {
  measure: { fn: string; field?: string };
  groupBy: readonly string[];
  filters: readonly { field: string }[];
}): Array<{ path: (string | number)[]; field: string }> {
  return [
    ...(q.measure.field ? [{ path: ['measure', 'field'], field: q.measure.field }] : []),
    ...q.groupBy.map((field, i) => ({ path: ['groupBy', i], field })),
    ...q.filters.map((f, i) => ({ path: ['filters', i, 'field'], field: f.field })),
  ];
}

/** An events source names events-table fields only (a bare column name is for processor tables). */
export function checkSourceFields(
  q: Parameters<typeof panelQueryFields>[0] & { source: PanelSourceSpec },
  ctx: z.RefinementCtx,
): void {
  if (q.source.kind !== 'events') return;
  for (const { path, field } of panelQueryFields(q)) {
    if (!EVENT_FIELD_RE.test(field)) ctx.addIssue({ code: 'custom', path, message: EVENT_FIELD_MESSAGE });
  }
}

export const panelFieldMeasureFns = ['sum', 'avg', 'min', 'max', 'p50', 'p95', 'p99'] as const;

export const panelMeasureSchema = z.discriminatedUnion('fn', [
  z.object({ fn: z.literal('count') }),
  /** Distinct non-null user_id values. */
  z.object({ fn: z.literal('unique_users') }),
  /** Distinct values of a field. */
  z.object({ fn: z.literal('uniq'), field: panelFieldSchema }),
  /** Numeric measures: the field is read as a number; values that are not numbers are skipped. */
  z.object({ fn: z.enum(panelFieldMeasureFns), field: panelFieldSchema }),
]);

const filterScalar = z.union([z.string().max(1000), z.number().finite()]);

export const panelFilterSchema = z.discriminatedUnion('op', [
  z.object({ field: panelFieldSchema, op: z.enum(['=', '!=', '>', '>=', '<', '<=']), value: filterScalar }),
  z.object({
    field: panelFieldSchema,
    op: z.enum(['in', 'not_in']),
    values: z
      .union([z.array(z.string().max(1000)).min(1).max(100), z.array(z.number().finite()).min(1).max(100)])
      .describe('all strings or all numbers'),
  }),
]);

/** ISO-8601 with a zone, or epoch milliseconds; parsed to epoch milliseconds. */
const instantSchema = z
  .union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })])
  .transform((v) => (typeof v === 'number' ? v : Date.parse(v)));

export const panelRangeSchema = z
  .object({ from: instantSchema, to: instantSchema })
  .refine((r) => r.from < r.to, { message: 'the range must start before it ends (from < to)' })
  .refine((r) => r.to - r.from <= PANEL_MAX_RANGE_MS, {
    message: `the range may span at most ${PANEL_MAX_RANGE_MS / 86_400_000} days`,
  });

const panelQueryObject = z.object({
  source: panelSourceSchema,
  measure: panelMeasureSchema,
  groupBy: z.array(panelFieldSchema).max(2, 'a panel groups by at most 2 fields').default([]),
  filters: z.array(panelFilterSchema).max(20).default([]),
  interval: z
    .union([z.literal(panelIntervals), z.literal('auto')], {
      error: `interval is one of ${panelIntervals.join(', ')} seconds or 'auto'`,
    })
    .default('auto'),
  range: panelRangeSchema,
  /** Most series returned (top groups by number of events in the range). */
  seriesLimit: z.number().int().min(1).max(PANEL_MAX_SERIES).default(20),
});

const checkPanelQuery =
  (maxPoints: number) => (q: z.output<typeof panelQueryObject>, ctx: z.RefinementCtx) => {
    checkSourceFields(q, ctx);
    if (new Set(q.groupBy).size !== q.groupBy.length) {
      ctx.addIssue({ code: 'custom', path: ['groupBy'], message: 'a field appears twice in groupBy' });
    }
    if (q.interval !== 'auto') {
      const points = Math.ceil((q.range.to - q.range.from) / 1000 / q.interval);
      if (points > maxPoints) {
        ctx.addIssue({
          code: 'custom',
          path: ['interval'],
          message: `an interval of ${q.interval} s gives ${points} points over this range (at most ${maxPoints}): choose a larger interval or 'auto'`,
        });
      }
    }
  };

export const panelQuerySchema = panelQueryObject.superRefine(checkPanelQuery(PANEL_MAX_POINTS));

/**
 * The same query with room for more points than a chart draws: an alert backtest reads a rule's
 * whole range at its bucket in one query, not one per PANEL_MAX_POINTS buckets (each of which
 * scans the same rows again; docs/decisions/alert-backtest-speed.md).
 */
export function panelQuerySchemaWithPoints(maxPoints: number) {
  return panelQueryObject.superRefine(checkPanelQuery(maxPoints));
}

export type PanelQueryInput = z.input<typeof panelQuerySchema>;
export type PanelQuery = z.output<typeof panelQuerySchema>;
export type PanelMeasure = z.output<typeof panelMeasureSchema>;
export type PanelFilter = z.output<typeof panelFilterSchema>;

/** The interval a query resolves to: its own, or the finest giving at most PANEL_AUTO_POINTS points. */
export function resolvePanelInterval(query: Pick<PanelQuery, 'interval' | 'range'>): PanelInterval {
  if (query.interval !== 'auto') return query.interval;
  const seconds = (query.range.to - query.range.from) / 1000;
  const points = (i: number) => Math.ceil(seconds / i);
  // The largest interval always fits: 90 days / 1 day = 90 points.
  const at = panelIntervals.findIndex((i) => points(i) <= PANEL_AUTO_POINTS);
  const chosen = panelIntervals[at] ?? 86400;
  // Unless that leaves too few points to see a shape (30 days by the day): then the finer one.
  const finer = panelIntervals[at - 1];
  if (finer !== undefined && points(chosen) < PANEL_AUTO_MIN_POINTS && points(finer) <= PANEL_MAX_POINTS)
    return finer;
  return chosen;
}
