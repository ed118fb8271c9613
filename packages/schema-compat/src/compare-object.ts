import { compileLinear } from '@tributary/linear-regex';
import { childPath, report, type CompareContext } from './context.ts';
import { isObject, stringArray, type JsonObject } from './json.ts';
import type { JsonSchema } from './types.ts';

export type Recurse = (writer: JsonSchema | undefined, reader: JsonSchema | undefined, path: string) => void;

type Source = 'declared' | 'pattern' | 'rest';

interface PropertySchema {
  schema: JsonSchema;
  source: Source;
}

function objectOf(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}

function asSchema(value: unknown): JsonSchema | undefined {
  return isObject(value) || typeof value === 'boolean' ? value : undefined;
}

/**
 * What a schema says about properties it does not declare: `additionalProperties`, else (cheap
 * approximation, exact without composition) `unevaluatedProperties`, else open.
 */
export function restSchema(schema: JsonObject): JsonSchema {
  return asSchema(schema.additionalProperties) ?? asSchema(schema.unevaluatedProperties) ?? true;
}

function matchesPattern(pattern: string, name: string): boolean {
  try {
    // RE2, as ingest matches: the checker runs in the console on schemas anyone may propose.
    return compileLinear(pattern).test(name);
  } catch {
    return false;
  }
}

function schemaForProperty(schema: JsonObject, name: string): PropertySchema {
  const declared = asSchema(objectOf(schema.properties)[name]);
  if (declared !== undefined) return { schema: declared, source: 'declared' };
  for (const [pattern, sub] of Object.entries(objectOf(schema.patternProperties))) {
    const s = asSchema(sub);
    if (s !== undefined && matchesPattern(pattern, name)) return { schema: s, source: 'pattern' };
  }
  return { schema: restSchema(schema), source: 'rest' };
}

export function compareObject(
  writer: JsonObject,
  reader: JsonObject,
  path: string,
  ctx: CompareContext,
  recurse: Recurse,
): void {
  const writerRequired = new Set(stringArray(writer.required));
  for (const name of stringArray(reader.required)) {
    if (!writerRequired.has(name)) {
      report(ctx, {
        path: childPath(path, 'properties', name),
        kind: 'required',
        subject: name,
        writer: writer.required ?? [],
        reader: reader.required,
      });
    }
  }

  const names = new Set([
    ...Object.keys(objectOf(writer.properties)),
    ...Object.keys(objectOf(reader.properties)),
  ]);
  for (const name of names) {
    const w = schemaForProperty(writer, name);
    const r = schemaForProperty(reader, name);
    const at = childPath(path, 'properties', name);
    if (w.schema === false) continue;
    if (r.source !== 'rest') {
      // NOTE: deliberate leniency — a property newly declared (or dropped) on an open model is
      // compatible both ways; see docs/decisions/schema-compatibility.md.
      if (w.source === 'rest' && w.schema === true) continue;
      recurse(w.schema, r.schema, at);
    } else if (r.schema === false) {
      report(ctx, { path: at, kind: 'property_closed', subject: name, writer: w.schema, reader: false });
    } else {
      recurse(w.schema, r.schema, at);
    }
  }

  comparePatterns(writer, reader, path, ctx, recurse);
  compareRest(restSchema(writer), restSchema(reader), writer, reader, path, ctx, recurse);
}

function compareRest(
  wRest: JsonSchema,
  rRest: JsonSchema,
  writer: JsonObject,
  reader: JsonObject,
  path: string,
  ctx: CompareContext,
  recurse: Recurse,
): void {
  if (wRest === false || rRest === true) return;
  const fragment = (s: JsonObject): unknown => s.additionalProperties ?? s.unevaluatedProperties ?? null;
  if (rRest === false) {
    report(ctx, { path, kind: 'additional_closed', writer: fragment(writer), reader: fragment(reader) });
  } else if (wRest === true) {
    report(ctx, { path, kind: 'additional_narrowed', writer: fragment(writer), reader: fragment(reader) });
  } else {
    recurse(wRest, rRest, childPath(path, 'additionalProperties'));
  }
}

function comparePatterns(
  writer: JsonObject,
  reader: JsonObject,
  path: string,
  ctx: CompareContext,
  recurse: Recurse,
): void {
  const wPatterns = objectOf(writer.patternProperties);
  const rPatterns = objectOf(reader.patternProperties);
  const wRest = restSchema(writer);
  const rRest = restSchema(reader);
  for (const [pattern, sub] of Object.entries(rPatterns)) {
    const at = childPath(path, 'patternProperties', pattern);
    if (Object.hasOwn(wPatterns, pattern)) {
      recurse(asSchema(wPatterns[pattern]), asSchema(sub), at);
    } else if (wRest === true) {
      // Undeclared names the writer let through now meet a constraint we cannot enumerate.
      report(ctx, {
        path: at,
        kind: 'keyword_undecidable',
        subject: 'patternProperties',
        writer: null,
        reader: sub,
      });
    } else if (wRest !== false) {
      recurse(wRest, asSchema(sub), at);
    }
  }
  for (const [pattern, sub] of Object.entries(wPatterns)) {
    if (Object.hasOwn(rPatterns, pattern) || rRest === true) continue;
    if (rRest === false) {
      report(ctx, {
        path: childPath(path, 'patternProperties', pattern),
        kind: 'additional_closed',
        writer: sub,
        reader: false,
      });
    } else {
      recurse(asSchema(sub), rRest, childPath(path, 'patternProperties', pattern));
    }
  }
}
