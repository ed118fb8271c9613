import { TributaryError } from '@tributary/contracts';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { linearPatternProblem, linearRegExpEngine, schemaPatterns } from '@tributary/linear-regex';
import { schemaDocumentProblems } from './compat.ts';
import {
  FIELD_TAG_RE,
  MAX_EXAMPLES,
  MAX_FIELD_PATH_LENGTH,
  MAX_METADATA_BYTES,
  MAX_SCHEMA_BYTES,
  SUBJECT_NAME_RE,
} from './limits.ts';

export type SchemaDocument = Record<string, unknown>;
export type FieldTags = Record<string, string[]>;

export function assertSubjectName(name: string): void {
  if (!SUBJECT_NAME_RE.test(name)) {
    throw new TributaryError(
      'bad_request',
      `subject ${JSON.stringify(name.slice(0, 200))} is not a valid name: use 1-128 characters of A-Z a-z 0-9 _ . : -`,
    );
  }
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * A schema a subject may hold: a JSON object (a schema describes the event's `data` object, so the
 * boolean schemas `true`/`false` are refused too), within the size limit, valid JSON Schema, and
 * not declaring a `type` that excludes objects.
 */
export function checkSchemaDocument(schema: unknown): SchemaDocument {
  if (typeof schema === 'string') {
    throw new TributaryError(
      'bad_request',
      'schema must be a JSON object, got a string (send the schema itself, not JSON text inside a string)',
    );
  }
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    throw new TributaryError('bad_request', `schema must be a JSON object, got ${describeJsonType(schema)}`);
  }
  const bytes = Buffer.byteLength(JSON.stringify(schema), 'utf8');
  if (bytes > MAX_SCHEMA_BYTES) {
    throw new TributaryError(
      'payload_too_large',
      `schema is ${bytes} bytes; the limit is ${MAX_SCHEMA_BYTES} bytes`,
      { bytes, limit: MAX_SCHEMA_BYTES },
    );
  }
  const doc = schema as SchemaDocument;
  const problems = schemaDocumentProblems(doc);
  if (problems.length > 0) {
    throw new TributaryError('bad_request', `schema is not a valid JSON Schema: ${problems[0]}`, {
      problems,
    });
  }
  assertLinearPatterns(doc);
  const type = doc.type;
  const types = Array.isArray(type) ? type : type === undefined ? ['object'] : [type];
  if (!types.includes('object')) {
    throw new TributaryError(
      'bad_request',
      `schema describes the event's data object, so its "type" must be or include "object", got ${JSON.stringify(type)}`,
    );
  }
  return doc;
}

/**
 * Every `pattern` and `patternProperties` key must run on RE2 (linear time), as ingest matches
 * them: backreferences and lookarounds are refused here, at registration, with the place and the
 * reason, instead of leaving a version whose events ingest can only refuse.
 */
function assertLinearPatterns(doc: SchemaDocument): void {
  const problems = schemaPatterns(doc).flatMap(({ path, pattern }) => {
    const reason = linearPatternProblem(pattern);
    return reason ? [{ path: `$${path.replaceAll('/', '.')}`, pattern, reason }] : [];
  });
  const first = problems[0];
  if (!first) return;
  throw new TributaryError(
    'bad_request',
    `schema pattern ${JSON.stringify(first.pattern)} at ${first.path} is not supported: ${first.reason}`,
    { problems: problems.map((p) => `${p.path}: ${p.reason}`) },
  );
}

// ajv-formats is CommonJS; depending on the loader its function arrives as the default or under it.
type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats: AddFormats =
  (addFormatsModule as unknown as { default?: AddFormats }).default ??
  (addFormatsModule as unknown as AddFormats);

function formatAjvErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
}

/** Examples are shown to producers as the way to send this event, so each must pass the schema. */
export function checkExamples(schema: SchemaDocument, examples: unknown): unknown[] | undefined {
  if (examples === undefined || examples === null) return undefined;
  if (!Array.isArray(examples)) {
    throw new TributaryError(
      'bad_request',
      `examples must be an array of data objects, got ${describeJsonType(examples)}`,
    );
  }
  if (examples.length > MAX_EXAMPLES) {
    throw new TributaryError('bad_request', `at most ${MAX_EXAMPLES} examples, got ${examples.length}`);
  }
  if (examples.length === 0) return [];
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    validateSchema: false,
    code: { regExp: linearRegExpEngine },
  });
  addFormats(ajv);
  let validate: ReturnType<Ajv2020['compile']>;
  try {
    validate = ajv.compile(schema);
  } catch (err) {
    throw new TributaryError(
      'bad_request',
      `schema cannot be compiled to check the examples: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  examples.forEach((example, index) => {
    if (!validate(example)) {
      const errors = formatAjvErrors(validate.errors);
      throw new TributaryError(
        'bad_request',
        `example ${index} does not match the schema: ${errors[0] ?? 'invalid'}`,
        {
          example: index,
          errors,
        },
      );
    }
  });
  return examples;
}

/** `{ "<field path>": ["tag", ...] }`, e.g. `{ "/email": ["pii"] }`. */
export function checkFieldTags(fieldTags: unknown): FieldTags | undefined {
  if (fieldTags === undefined || fieldTags === null) return undefined;
  if (typeof fieldTags !== 'object' || Array.isArray(fieldTags)) {
    throw new TributaryError(
      'bad_request',
      `fieldTags must be an object of field path -> tags, got ${describeJsonType(fieldTags)}`,
    );
  }
  const out: FieldTags = {};
  for (const [path, tags] of Object.entries(fieldTags)) {
    if (path.length === 0 || path.length > MAX_FIELD_PATH_LENGTH) {
      throw new TributaryError(
        'bad_request',
        `fieldTags: a field path must have 1-${MAX_FIELD_PATH_LENGTH} characters`,
      );
    }
    if (
      !Array.isArray(tags) ||
      !tags.every((t): t is string => typeof t === 'string' && FIELD_TAG_RE.test(t))
    ) {
      throw new TributaryError(
        'bad_request',
        `fieldTags[${JSON.stringify(path)}] must be an array of tags of 1-64 characters of A-Z a-z 0-9 _ . : -`,
      );
    }
    out[path] = [...new Set(tags)];
  }
  return out;
}

export function checkMetadataSize(examples: unknown, fieldTags: unknown): void {
  const bytes = Buffer.byteLength(JSON.stringify([examples ?? null, fieldTags ?? null]), 'utf8');
  if (bytes > MAX_METADATA_BYTES) {
    throw new TributaryError(
      'payload_too_large',
      `examples and fieldTags are ${bytes} bytes together; the limit is ${MAX_METADATA_BYTES} bytes`,
      { bytes, limit: MAX_METADATA_BYTES },
    );
  }
}
