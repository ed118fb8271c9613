import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { EVENT_LIMITS } from '@tributary/contracts';
import { linearRegExpEngine } from '@tributary/linear-regex';
import { depthOf } from './depth.ts';

// ajv-formats ships CommonJS; its default export arrives wrapped under ESM interop.
const addFormats =
  (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

/** The ingest contract as JSON Schema (draft 2020-12 subset), compiled once at start. */
const envelopeJsonSchema = {
  type: 'object',
  required: ['event_type'],
  additionalProperties: false,
  properties: {
    event_id: { type: 'string', minLength: 1, maxLength: EVENT_LIMITS.maxEventIdLength },
    event_type: {
      type: 'string',
      minLength: 1,
      maxLength: EVENT_LIMITS.maxEventTypeLength,
      pattern: '^[A-Za-z0-9_.:-]+$',
    },
    timestamp: { type: 'string', format: 'date-time' },
    user_id: { type: ['string', 'null'], maxLength: EVENT_LIMITS.maxUserIdLength },
    data: { type: 'object' },
    metadata: { type: 'object' },
    schema_version: { type: 'integer', minimum: 1 },
  },
} as const;

// Every ajv in Tributary matches patterns with RE2 (linear time), this fixed one included, so
// no pattern anywhere depends on being reviewed as safe for a backtracking engine.
const ajv = new Ajv({ allErrors: true, strict: true, code: { regExp: linearRegExpEngine } });
addFormats(ajv, ['date-time']);
const validateEnvelope = ajv.compile(envelopeJsonSchema);

export interface ValidEvent {
  event_id?: string;
  event_type: string;
  timestamp?: string;
  user_id?: string | null;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  schema_version?: number;
}

export type Validation = { ok: true; event: ValidEvent } | { ok: false; reasons: string[] };

/** `depth` may be passed when the caller already measured it (ingest's body decoder does). */
export function validateEvent(
  value: unknown,
  depth: number = depthOf(value, EVENT_LIMITS.maxDepth),
): Validation {
  if (!validateEnvelope(value)) {
    return { ok: false, reasons: (validateEnvelope.errors ?? []).map(describe) };
  }
  if (depth > EVENT_LIMITS.maxDepth) {
    return { ok: false, reasons: [`event is nested ${depth} levels deep (limit ${EVENT_LIMITS.maxDepth})`] };
  }
  return { ok: true, event: value as ValidEvent };
}

function describe(e: ErrorObject): string {
  const where = e.instancePath === '' ? 'event' : e.instancePath.slice(1).replaceAll('/', '.');
  if (e.keyword === 'required')
    return `${where}: missing required field '${String(e.params.missingProperty)}'`;
  if (e.keyword === 'additionalProperties') {
    return `${where}: unknown field '${String(e.params.additionalProperty)}' (put custom fields under data)`;
  }
  return `${where}: ${e.message ?? 'is invalid'}`;
}
