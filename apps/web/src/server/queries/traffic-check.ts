import { TributaryError } from '@tributary/contracts';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { linearRegExpEngine } from '@tributary/linear-regex';

export interface TrafficFailure {
  event_id: string;
  messages: string[];
}

export interface TrafficCheck {
  checked: number;
  failing: number;
  /** Up to `maxExamples` failing events, in the order given (newest first from the sampler). */
  examples: TrafficFailure[];
}

// An event failing many keywords at once would otherwise flood the console's result list.
const MAX_MESSAGES_PER_EVENT = 10;

// ajv-formats is CommonJS; depending on the loader its function arrives as the default or under it.
type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats: AddFormats =
  (addFormatsModule as unknown as { default?: AddFormats }).default ??
  (addFormatsModule as unknown as AddFormats);

/**
 * Compiles the candidate as ingest validates events: draft 2020-12 with formats. `strict: false`
 * because a schema may carry annotations ajv does not know (x-* keys, field tags).
 */
function compile(schema: Record<string, unknown>): ValidateFunction {
  // Patterns on RE2, as ingest runs them: a candidate's `^(a|a)*$` must not freeze the console.
  const ajv = new Ajv2020({ strict: false, allErrors: true, code: { regExp: linearRegExpEngine } });
  addFormats(ajv);
  try {
    return ajv.compile(schema);
  } catch (err) {
    throw new TributaryError(
      'bad_request',
      `schema cannot be compiled: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** One readable line per ajv error, naming the offending property where ajv knows it. */
export function describeError(e: ErrorObject): string {
  const at = e.instancePath || '/';
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `${at} has property ${JSON.stringify(params.additionalProperty)}, which the schema does not allow (additionalProperties: false)`;
    case 'unevaluatedProperties':
      return `${at} has property ${JSON.stringify(params.unevaluatedProperty)}, which the schema does not allow (unevaluatedProperties: false)`;
    case 'required':
      return `${at} must have required property '${String(params.missingProperty)}'`;
    case 'enum':
      return `${at} must be one of ${JSON.stringify(params.allowedValues)}`;
    default:
      return `${at} ${e.message ?? `fails ${e.keyword}`}`;
  }
}

/** Runs `schema` over each event's `data`; the schema is compiled once for the whole sample. */
export function checkEventsAgainst(
  schema: Record<string, unknown>,
  events: { event_id: string; data: unknown }[],
  maxExamples = 5,
): TrafficCheck {
  const validate = compile(schema);
  const examples: TrafficFailure[] = [];
  let failing = 0;
  for (const event of events) {
    if (validate(event.data)) continue;
    failing++;
    if (examples.length >= maxExamples) continue;
    const errors = validate.errors ?? [];
    const messages = errors.slice(0, MAX_MESSAGES_PER_EVENT).map(describeError);
    if (errors.length > MAX_MESSAGES_PER_EVENT) {
      messages.push(`… and ${errors.length - MAX_MESSAGES_PER_EVENT} more`);
    }
    examples.push({
      event_id: event.event_id,
      messages: messages.length > 0 ? messages : ['does not match'],
    });
  }
  return { checked: events.length, failing, examples };
}
