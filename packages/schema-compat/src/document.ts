import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { isObject } from './json.ts';

// ajv-formats ships CommonJS; its default export arrives wrapped under ESM interop.
const addFormats =
  (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

/** Largest schema accepted, measured on its JSON text in UTF-8 bytes. */
export const MAX_SCHEMA_BYTES = 256 * 1024;

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

export type SchemaDocumentCheck = { ok: true } | { ok: false; errors: string[] };

/**
 * Is `schema` usable as an event schema: a JSON object (not a boolean), at most
 * MAX_SCHEMA_BYTES of JSON, valid draft 2020-12 that ajv compiles in strict mode, with every
 * `$ref` resolvable inside the document.
 */
export function validateSchemaDocument(schema: unknown): SchemaDocumentCheck {
  if (!isObject(schema)) {
    const kind = schema === null ? 'null' : Array.isArray(schema) ? 'an array' : `a ${typeof schema}`;
    return fail(
      `A schema must be a JSON object; got ${kind}. Boolean schemas are not accepted at the top level.`,
    );
  }
  let text: string;
  try {
    text = JSON.stringify(schema);
  } catch (error) {
    return fail(`The schema is not serialisable as JSON: ${(error as Error).message}`);
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_SCHEMA_BYTES) {
    return fail(
      `The schema is ${bytes.toLocaleString('en')} bytes of JSON; the limit is ${MAX_SCHEMA_BYTES.toLocaleString('en')} bytes (256 KiB).`,
    );
  }
  if (schema.$schema !== undefined && schema.$schema !== DRAFT_2020_12) {
    return fail(
      `Only JSON Schema draft 2020-12 is supported: set $schema to "${DRAFT_2020_12}" or leave it out.`,
    );
  }
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
  });
  addFormats(ajv);
  // Vendor annotations (x-pii, x-owner, ...) are common; other unknown keywords are likely typos.
  for (const keyword of vendorKeywords(schema)) ajv.addKeyword(keyword);
  if (!ajv.validateSchema(schema)) {
    return { ok: false, errors: (ajv.errors ?? []).map(describeMetaError) };
  }
  try {
    ajv.compile(schema);
  } catch (error) {
    return fail(describeCompileError(error));
  }
  return { ok: true };
}

function fail(message: string): SchemaDocumentCheck {
  return { ok: false, errors: [message] };
}

function describeMetaError(e: ErrorObject): string {
  const where = e.instancePath === '' ? 'the schema root' : e.instancePath;
  const allowed = Array.isArray(e.params.allowedValues) ? ` (${e.params.allowedValues.join(', ')})` : '';
  return `At ${where}: ${e.message ?? 'invalid'}${allowed}.`;
}

function describeCompileError(error: unknown): string {
  const err = error as { missingRef?: string; message?: string };
  if (typeof err.missingRef === 'string') {
    return `Unresolvable $ref "${err.missingRef}": only references inside this schema (e.g. "#/$defs/name") are supported.`;
  }
  return `The schema does not compile: ${err.message ?? String(error)}`;
}

function vendorKeywords(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) vendorKeywords(item, into);
  else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-')) into.add(key);
      vendorKeywords(value, into);
    }
  }
  return into;
}
