import { z } from 'zod';
import { labelsSchema } from './alerts-labels.ts';
import { dashboardPanelQuerySchema, dashboardSlugSchema } from './dashboards.ts';

export * from './alerts-labels.ts';
export * from './alerts-notify.ts';

/**
 * An alert rule as stored and as kept in code (`/api/v1/alerts`): what to measure (a dashboard
 * panel's builder query, or one of the pipeline's own signals), when that is a problem (a
 * threshold with a recovery threshold, a range, or an anomaly band), how long before it fires
 * and after it clears, and what no data or a failed evaluation mean. @tributary/alerts
 * evaluates it (docs/decisions/alert-evaluation.md).
 */

export const alertRuleNameSchema = z
  .string()
  .min(1, 'a rule name is required')
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'a rule name uses lower-case letters, digits, "-" and "_"');

const sourceName = z.string().min(1).max(200);

/** The pipeline's own signals, each read from the tables the platform writes about itself. */
export const alertSignalSchema = z.discriminatedUnion('kind', [
  /**
   * Seconds from ingest to queryable in `events`: the quantile over events received in the window,
   * or — when ingest accepted events after the newest stored one — how long nothing was stored
   * (so a stopped worker raises it instead of leaving no data).
   */
  z.object({
    kind: z.literal('freshness'),
    table: z.literal('events').default('events'),
    quantile: z.union([z.literal(0.5), z.literal(0.9), z.literal(0.95), z.literal(0.99)]).default(0.99),
    /** Per source, or one figure for the table. */
    bySource: z.boolean().default(false),
  }),
  /** The newest lag sample per consumer group in the window: its greatest lag in seconds. */
  z.object({
    kind: z.literal('consumer_lag'),
    /** Empty: every group. */
    groups: z.array(z.string().min(1).max(255)).max(50).default([]),
  }),
  /** Dead letters in the window as a share of the events received in it (0..1). */
  z.object({
    kind: z.literal('dead_letter_rate'),
    groupBy: z
      .array(z.enum(['stage', 'code']))
      .max(2)
      .default([]),
    stages: z
      .array(z.enum(['ingest', 'worker', 'processor', 'sink']))
      .max(4)
      .default([]),
    codes: z.array(z.string().min(1).max(100)).max(50).default([]),
  }),
  /** Events ingest rejected in the window, per source. */
  z.object({
    kind: z.literal('ingest_rejects'),
    sources: z.array(sourceName).max(100).default([]),
  }),
  /** Dead letters with code schema_violation in the window, per event type. */
  z.object({
    kind: z.literal('schema_violations'),
    eventTypes: z.array(z.string().min(1).max(200)).max(100).default([]),
  }),
  /** A processor's dropped events as a share of the events it saw in the window (0..1). */
  z.object({
    kind: z.literal('processor_drop_rate'),
    processors: z
      .array(z.string().regex(/^[a-z][a-z0-9_]*$/, 'a processor name is lower-case letters, digits and _'))
      .max(100)
      .default([]),
  }),
  /**
   * Events received from each listed source in the last `minutes` (0 when none): pair it with
   * `below 1` to hear when a source went silent.
   */
  z.object({
    kind: z.literal('source_silence'),
    sources: z.array(sourceName).min(1, 'name at least one source to watch').max(100),
    minutes: z.number().int().min(1).max(1440),
  }),
]);
export type AlertSignal = z.output<typeof alertSignalSchema>;
export type AlertSignalKind = AlertSignal['kind'];

/** How a panel's buckets in the window become the one value a condition reads. */
export const panelReducers = ['last', 'sum', 'avg', 'min', 'max'] as const;
export type PanelReducer = (typeof panelReducers)[number];

export const alertQuerySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('panel'),
    query: dashboardPanelQuerySchema,
    reduce: z.enum(panelReducers).default('last'),
    /** Where the alert links to (the panel it was made from), if anywhere. */
    panel: z.object({ dashboard: dashboardSlugSchema, panelId: z.string().min(1).max(40) }).optional(),
  }),
  z.object({ kind: z.literal('signal'), signal: alertSignalSchema }),
]);
export type AlertQuery = z.output<typeof alertQuerySchema>;

const finite = z.number().finite();

export const alertConditionSchema = z.discriminatedUnion('kind', [
  /**
   * above: fires when value > threshold; once active it clears only when value <= recovery
   * (default: the threshold). below mirrors it (value < threshold, clears at value >= recovery).
   */
  z.object({
    kind: z.literal('threshold'),
    op: z.enum(['above', 'below']),
    threshold: finite,
    recovery: finite.optional(),
  }),
  /** Fires when value < low or value > high; clears inside [recoveryLow, recoveryHigh]. */
  z.object({
    kind: z.literal('outside_range'),
    low: finite,
    high: finite,
    recoveryLow: finite.optional(),
    recoveryHigh: finite.optional(),
  }),
  /**
   * Fires when the value leaves median ± multiplier × 1.4826 × MAD of the same hour of the week
   * over the last 4 weeks (per group); clears inside the band drawn with recoveryMultiplier.
   */
  z.object({
    kind: z.literal('anomaly'),
    direction: z.enum(['both', 'above', 'below']).default('both'),
    multiplier: z.number().min(0.5).max(20).default(3),
    recoveryMultiplier: z.number().min(0).max(20).optional(),
    /** Least half-width of the band: a flat history (MAD 0) does not fire on every wobble. */
    minDeviation: z.number().nonnegative().default(0),
    /** Fewer past samples than this: no band, the instance reads as no data. */
    minSamples: z.number().int().min(1).max(1000).default(8),
  }),
]);
export type AlertCondition = z.output<typeof alertConditionSchema>;

/** What a rule does when its query returns nothing for an instance, or fails. */
export const noDataPolicies = ['no_data', 'alerting', 'ok', 'keep_last'] as const;
export const errorPolicies = ['error', 'alerting', 'keep_last'] as const;

export const ALERT_MIN_INTERVAL_SECONDS = 10;
export const ALERT_MAX_PERIOD_SECONDS = 7 * 86_400;

const seconds = (min: number, max: number, what: string) =>
  z
    .number()
    .int(`${what} is a whole number of seconds`)
    .min(min, `${what} is at least ${min} s`)
    .max(max, `${what} is at most ${max} s`);

export const alertRuleSchema = z
  .object({
    name: alertRuleNameSchema,
    title: z.string().trim().min(1, 'give the rule a title').max(200),
    description: z.string().max(2000).default(''),
    enabled: z.boolean().default(true),
    query: alertQuerySchema,
    condition: alertConditionSchema,
    /** How often the rule is evaluated. */
    intervalSeconds: seconds(ALERT_MIN_INTERVAL_SECONDS, 86_400, 'the interval').default(60),
    /** How far back each evaluation looks (the signal's window, the panel's range). */
    windowSeconds: seconds(60, 86_400, 'the window').default(300),
    /** How long a problem must last before it fires (no data and errors wait too). */
    pendingSeconds: seconds(0, ALERT_MAX_PERIOD_SECONDS, 'the pending period').default(0),
    /** How long it keeps firing after it recovered (a flapping value notifies once). */
    keepFiringSeconds: seconds(0, ALERT_MAX_PERIOD_SECONDS, 'the keep-firing period').default(0),
    labels: labelsSchema.default({}),
    noData: z.enum(noDataPolicies).default('no_data'),
    onError: z.enum(errorPolicies).default('error'),
  })
  .superRefine((r, ctx) => {
    const c = r.condition;
    if (c.kind === 'threshold' && c.recovery !== undefined) {
      const wrongSide = c.op === 'above' ? c.recovery > c.threshold : c.recovery < c.threshold;
      if (wrongSide) {
        ctx.addIssue({
          code: 'custom',
          path: ['condition', 'recovery'],
          message:
            c.op === 'above'
              ? `the recovery threshold (${c.recovery}) must not be above the threshold (${c.threshold}) of an 'above' rule`
              : `the recovery threshold (${c.recovery}) must not be below the threshold (${c.threshold}) of a 'below' rule`,
        });
      }
    }
    if (c.kind === 'outside_range') {
      if (!(c.low < c.high)) {
        ctx.addIssue({ code: 'custom', path: ['condition', 'high'], message: 'the range needs low < high' });
      }
      const rl = c.recoveryLow ?? c.low;
      const rh = c.recoveryHigh ?? c.high;
      if (rl < c.low || rh > c.high || rl > rh) {
        ctx.addIssue({
          code: 'custom',
          path: ['condition', 'recoveryLow'],
          message: 'the recovery range lies inside the range (low <= recoveryLow <= recoveryHigh <= high)',
        });
      }
    }
    if (c.kind === 'anomaly' && c.recoveryMultiplier !== undefined && c.recoveryMultiplier > c.multiplier) {
      ctx.addIssue({
        code: 'custom',
        path: ['condition', 'recoveryMultiplier'],
        message: 'the recovery band is no wider than the firing band (recoveryMultiplier <= multiplier)',
      });
    }
    if (c.kind === 'anomaly' && r.query.kind === 'panel') {
      ctx.addIssue({
        code: 'custom',
        path: ['condition', 'kind'],
        message: 'anomaly conditions apply to the pipeline signals for now; use a threshold on a panel query',
      });
    }
    if (r.query.kind === 'panel') {
      const q = r.query.query;
      q.filters.forEach((f, i) => {
        if ('variable' in f) {
          ctx.addIssue({
            code: 'custom',
            path: ['query', 'query', 'filters', i],
            message: `an alert rule has no dashboard variables: give filter ${f.field} a value instead of $${f.variable}`,
          });
        }
      });
      if (q.interval === 'auto') {
        ctx.addIssue({
          code: 'custom',
          path: ['query', 'query', 'interval'],
          message:
            "an alert's panel query needs a fixed interval (60, 300, 900, 3600 or 86400 s), not 'auto'",
        });
      } else {
        if (r.windowSeconds % q.interval !== 0) {
          ctx.addIssue({
            code: 'custom',
            path: ['windowSeconds'],
            message: `the window (${r.windowSeconds} s) is a whole number of the panel's ${q.interval} s buckets`,
          });
        }
        if (r.intervalSeconds % q.interval !== 0) {
          ctx.addIssue({
            code: 'custom',
            path: ['intervalSeconds'],
            message: `the evaluation interval (${r.intervalSeconds} s) is a whole number of the panel's ${q.interval} s buckets`,
          });
        }
      }
    }
    for (const reserved of ['alertname', 'alertstate']) {
      if (reserved in r.labels) {
        ctx.addIssue({
          code: 'custom',
          path: ['labels', reserved],
          message: `the label ${reserved} is set by the alert itself`,
        });
      }
    }
  });
export type AlertRule = z.output<typeof alertRuleSchema>;
export type AlertRuleInput = z.input<typeof alertRuleSchema>;

/** The states of one alert instance (a rule and one group). "Resolved" is firing → normal. */
export const alertStates = ['normal', 'pending', 'firing', 'no_data', 'error'] as const;
export type AlertState = (typeof alertStates)[number];
