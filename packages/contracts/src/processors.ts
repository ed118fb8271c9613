import { z } from 'zod';

/**
 * A processor: reads events (all, or some event types / sources), runs an ordered list of steps
 * and writes to an output. What is stored per version (immutable once created) is a
 * `ProcessorDefinition`; the same definition is compiled by the workers, the console's preview
 * and the dead-letter dry run (@tributary/pipeline `compileProcessor`).
 *
 * Expressions are CEL (docs/decisions/processor-expressions.md). The variables an expression
 * sees are the event's fields: `event_id`, `event_type`, `source`, `timestamp` (ISO string),
 * `user_id` (string or null), `data`, `metadata` and `derived` (maps), `received_at`.
 * A field path is dotted from one of those roots: `data.plan`, `metadata.ip`, `derived.ua.browser`.
 */

/** Names of processors, steps, output tables and lookup tables: safe as SQL identifiers too. */
export const identifierSchema = z
  .string()
  .min(1)
  .max(48)
  .regex(/^[a-z][a-z0-9_]*$/, 'lowercase letters, digits and _, starting with a letter');

/** A dotted path from one of the event roots a step may write to (`data`, `metadata`, `derived`). */
export const writablePathSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^(data|metadata|derived)(\.[A-Za-z_][A-Za-z0-9_]*)+$/,
    'a dotted path under data., metadata. or derived. (e.g. derived.country)',
  );

/** A dotted path from any event root, for reading. */
export const readablePathSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^(event_id|event_type|source|timestamp|user_id|received_at|(data|metadata|derived)(\.[A-Za-z_][A-Za-z0-9_]*)+)$/,
    'an event field (event_type, user_id, …) or a dotted path under data., metadata. or derived.',
  );

export const expressionSchema = z.string().min(1).max(2000);

const stepBase = { id: identifierSchema };

export const filterStepSchema = z.object({
  ...stepBase,
  kind: z.literal('filter'),
  /** CEL; the event is kept when it evaluates to true, dropped when false. Errors dead-letter. */
  expression: expressionSchema,
});

export const castTypes = ['string', 'number', 'boolean', 'timestamp'] as const;

export const transformOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('set'), field: writablePathSchema, expression: expressionSchema }),
  z.object({ op: z.literal('rename'), from: writablePathSchema, to: writablePathSchema }),
  z.object({ op: z.literal('remove'), field: writablePathSchema }),
  z.object({ op: z.literal('cast'), field: writablePathSchema, to: z.enum(castTypes) }),
  /** Sets the field only when it is absent or null. */
  z.object({ op: z.literal('default'), field: writablePathSchema, expression: expressionSchema }),
]);
export type TransformOp = z.infer<typeof transformOpSchema>;

export const transformStepSchema = z.object({
  ...stepBase,
  kind: z.literal('transform'),
  ops: z.array(transformOpSchema).min(1).max(50),
});

/** User agent → browser, os, device type, bot flag (ua-parser-js 1.x, isbot). */
export const uaStepSchema = z.object({
  ...stepBase,
  kind: z.literal('enrich_ua'),
  from: readablePathSchema.default('metadata.user_agent'),
  /** Receives { browser, browser_version, os, device, is_bot }. */
  to: writablePathSchema.default('derived.ua'),
});

/** IP → ISO country code from the bundled database (docs/decisions/geo-ip.md). */
export const geoStepSchema = z.object({
  ...stepBase,
  kind: z.literal('enrich_geo'),
  from: readablePathSchema.default('metadata.ip'),
  /** Receives { country } (ISO 3166-1 alpha-2, or null when unknown). */
  to: writablePathSchema.default('derived.geo'),
});

/** Joins a column of an uploaded CSV lookup table, by the value of `key`. */
export const lookupStepSchema = z.object({
  ...stepBase,
  kind: z.literal('enrich_lookup'),
  table: identifierSchema,
  key: readablePathSchema,
  /** Receives the matched row (an object of its columns), or null when no row matches. */
  to: writablePathSchema,
});

/**
 * HMAC-SHA256 (hex) of the fields the schema registry tags `pii` for the event's type, plus any
 * listed here. The secret is the deployment's (PII_HASH_SECRET), never stored with the version.
 */
export const piiHashStepSchema = z.object({
  ...stepBase,
  kind: z.literal('pii_hash'),
  fields: z.array(readablePathSchema).max(50).default([]),
});

/** Drops an event whose key was seen within the window (per processor). */
export const dedupeStepSchema = z.object({
  ...stepBase,
  kind: z.literal('dedupe'),
  key: expressionSchema,
  windowSeconds: z
    .number()
    .int()
    .positive()
    .max(7 * 24 * 3600),
});

export const aggregateFunctions = ['count', 'uniq', 'sum', 'min', 'max', 'avg', 'quantiles'] as const;

export const measureSchema = z.object({
  name: identifierSchema,
  fn: z.enum(aggregateFunctions),
  /** The value measured; not used by `count`, required by the others. */
  field: readablePathSchema.optional(),
  /** For `quantiles`: levels in (0, 1). */
  levels: z.array(z.number().gt(0).lt(1)).min(1).max(10).optional(),
});
export type Measure = z.infer<typeof measureSchema>;

export const windowSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('tumbling'), sizeSeconds: z.number().int().positive().max(86_400) }),
  z.object({
    type: z.literal('hopping'),
    sizeSeconds: z.number().int().positive().max(86_400),
    hopSeconds: z.number().int().positive().max(86_400),
  }),
]);
export type WindowSpec = z.infer<typeof windowSchema>;

/**
 * Windowed aggregation by event time (`timestamp`). Must be the last step, and its output kind
 * 'aggregate'. Events whose window closed more than `graceSeconds` before the processor's
 * watermark are dead-lettered with code `late_event`. `graceSeconds` has no default: a window
 * without an explicit grace period is refused.
 */
export const aggregateStepSchema = z.object({
  ...stepBase,
  kind: z.literal('aggregate'),
  window: windowSchema,
  graceSeconds: z.number().int().nonnegative().max(86_400),
  groupBy: z
    .array(z.object({ name: identifierSchema, field: readablePathSchema }))
    .max(5)
    .default([]),
  measures: z.array(measureSchema).min(1).max(20),
});
export type AggregateStep = z.infer<typeof aggregateStepSchema>;

export const stepSchema = z.discriminatedUnion('kind', [
  filterStepSchema,
  transformStepSchema,
  uaStepSchema,
  geoStepSchema,
  lookupStepSchema,
  piiHashStepSchema,
  dedupeStepSchema,
  aggregateStepSchema,
]);
export type Step = z.infer<typeof stepSchema>;
export type StepKind = Step['kind'];

export const columnTypes = ['String', 'Float64', 'Int64', 'Bool', 'DateTime64'] as const;

export const outputSchema = z.discriminatedUnion('kind', [
  /**
   * The main events table: the kept events are stored with their `derived` fields and the
   * processor's name and version. At most one active processor may write to events.
   */
  z.object({ kind: z.literal('events') }),
  /** A table of its own, one row per kept event, with these columns (created by the platform). */
  z.object({
    kind: z.literal('table'),
    table: identifierSchema,
    columns: z
      .array(z.object({ name: identifierSchema, field: readablePathSchema, type: z.enum(columnTypes) }))
      .min(1)
      .max(50),
  }),
  /** An AggregatingMergeTree table of its own, fed by the final aggregate step. */
  z.object({ kind: z.literal('aggregate'), table: identifierSchema }),
]);
export type ProcessorOutput = z.infer<typeof outputSchema>;

export const processorInputsSchema = z.object({
  /** Empty: every event type. */
  eventTypes: z.array(z.string().min(1).max(200)).max(100).default([]),
  /** Empty: every source. */
  sources: z.array(z.string().min(1).max(200)).max(100).default([]),
});

/** What a processor version holds. Structural checks here; semantic ones in `compileProcessor`. */
export const processorDefinitionSchema = z.object({
  inputs: processorInputsSchema,
  steps: z.array(stepSchema).min(1, 'a processor needs at least one step').max(30),
  output: outputSchema,
});
export type ProcessorDefinition = z.infer<typeof processorDefinitionSchema>;
export type ProcessorDefinitionInput = z.input<typeof processorDefinitionSchema>;

export const processorStates = ['draft', 'active', 'paused'] as const;
export type ProcessorState = (typeof processorStates)[number];

/**
 * The event as steps see it. `derived` starts empty; steps add to it. Dates are ISO strings, as
 * in the events message.
 */
export interface ProcessorEvent {
  event_id: string;
  event_type: string;
  source: string;
  timestamp: string;
  user_id: string | null;
  received_at: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  derived: Record<string, unknown>;
}

/** What one step (and a whole chain) does with one event. Steps return; they never throw. */
export type StepResult =
  | { kind: 'ok'; event: ProcessorEvent }
  | { kind: 'drop'; reason: string }
  | { kind: 'dead_letter'; code: string; reason: string };

/** Dead-letter codes processors use (stage `processor`). */
export const processorDeadLetterCodes = ['processor_error', 'late_event', 'output_invalid'] as const;

/**
 * Where the geo-IP country data comes from and under which licence, one sentence for the console
 * to show wherever enrich_geo appears (docs/decisions/geo-ip.md). NOTE: the data package's
 * package.json says CC0-1.0, but its README and NRO_LICENSE put the RIR data under CC BY 4.0,
 * which requires this attribution; keep it when the data version changes.
 */
export const GEO_DATA_NOTICE =
  'Country data: @ip-location-db/geo-whois-asn-country 2.3.2026061719 (data of 2026-06-17, ' +
  'github.com/sapics/ip-location-db), built from RIR WHOIS and ASN data by the Number Resource ' +
  'Organization (nro.net), licensed CC BY 4.0 (creativecommons.org/licenses/by/4.0). A country ' +
  'is where an address block is registered, not where a device is; private and reserved ' +
  'addresses have none.';
