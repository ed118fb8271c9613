import { compareArray } from './compare-array.ts';
import { compareConstraints } from './compare-constraints.ts';
import { compareObject } from './compare-object.ts';
import {
  ALL_TYPES,
  accepts,
  compareEnum,
  compareTypes,
  declaredTypes,
  finiteValues,
  writerMayBe,
  writerTypes,
} from './compare-types.ts';
import { childPath, fork, memoised, report, type CompareContext } from './context.ts';
import { deepEqual, isObject, stringArray, type JsonObject } from './json.ts';
import { collectRefs, resolveLocalRef } from './resolve-ref.ts';
import type { JsonSchema } from './types.ts';

const MAX_DEPTH = 200;

/** Keywords that describe but never reject. */
const annotations = new Set([
  '$schema',
  '$id',
  '$anchor',
  '$dynamicAnchor',
  '$comment',
  '$vocabulary',
  '$defs',
  'definitions',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'contentMediaType',
  'contentEncoding',
  'contentSchema',
]);

/** Keywords the comparison understands; anything else is compared by equality. */
const handled = new Set([
  'type',
  'enum',
  'const',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'items',
  'prefixItems',
  'properties',
  'required',
  'additionalProperties',
  'unevaluatedProperties',
  'patternProperties',
  'minProperties',
  'maxProperties',
  '$ref',
  'allOf',
  'anyOf',
  'oneOf',
]);

/** Keywords that only constrain one kind of value, so they are moot when the writer never has it. */
const familyOf: Record<string, 'array' | 'object'> = {
  contains: 'array',
  minContains: 'array',
  maxContains: 'array',
  unevaluatedItems: 'array',
  propertyNames: 'object',
  dependentRequired: 'object',
  dependentSchemas: 'object',
};

/** Self-contained keyword groups: equal on both sides means the writer already satisfies them. */
const units = [
  ['anyOf'],
  ['oneOf'],
  ['not'],
  ['if', 'then', 'else'],
  ['contains', 'minContains', 'maxContains'],
];

/**
 * Reports, into ctx, every way in which `reader` may reject an instance that `writer` accepts.
 * Sound where it says "compatible" for the supported keywords, conservative elsewhere.
 */
export function compare(
  writer: JsonSchema | undefined,
  reader: JsonSchema | undefined,
  path: string,
  ctx: CompareContext,
): void {
  const w = normalizeWriter(writer ?? true, path, ctx);
  if (w === false || reader === undefined || reader === true) return;
  if (reader === false) {
    report(ctx, { path, kind: 'rejects_all', writer: writer ?? true, reader: false });
    return;
  }
  const { active } = ctx.shared;
  let seen = active.get(w);
  if (seen?.has(reader)) return; // Same pair already under comparison: a recursive schema.
  if (ctx.shared.depth >= MAX_DEPTH) {
    report(ctx, { path, kind: 'too_deep', writer: w, reader });
    return;
  }
  if (!seen) active.set(w, (seen = new Set()));
  seen.add(reader);
  ctx.shared.depth++;
  try {
    compareNormalized(w, reader, path, ctx);
  } finally {
    ctx.shared.depth--;
    seen.delete(reader);
  }
}

function omit(ctx: CompareContext, schema: JsonObject, keys: string[]): JsonObject {
  return memoised(ctx, schema, `omit:${keys.join(',')}`, () => {
    const copy = { ...schema };
    for (const key of keys) delete copy[key];
    return copy;
  });
}

/** An over-approximation of `a ∧ b` for the writer side: `b` wins on shared keys. */
function merge(ctx: CompareContext, a: JsonObject, b: JsonObject): JsonObject {
  const byA = memoised(ctx, a, 'merge', () => new WeakMap<object, JsonObject>());
  const cached = byA.get(b);
  if (cached) return cached;
  const merged: JsonObject = { ...a, ...b };
  if (Array.isArray(a.required) || Array.isArray(b.required)) {
    merged.required = [...new Set([...stringArray(a.required), ...stringArray(b.required)])];
  }
  if (isObject(a.properties) && isObject(b.properties))
    merged.properties = { ...a.properties, ...b.properties };
  byA.set(b, merged);
  return merged;
}

/** Writer side: inline `$ref` targets and `allOf` parts so the schema is one object. */
function normalizeWriter(
  schema: JsonSchema,
  path: string,
  ctx: CompareContext,
  depth = 0,
): JsonObject | false {
  if (schema === true) return {};
  if (schema === false) return false;
  if (typeof schema.$ref !== 'string' && !Array.isArray(schema.allOf)) return schema;
  const { value, unresolved } = memoised(ctx, schema, 'writer', () => {
    const missing: string[] = [];
    let result: JsonObject = omit(ctx, schema, ['$ref', 'allOf']);
    const parts: unknown[] = Array.isArray(schema.allOf) ? [...schema.allOf] : [];
    if (typeof schema.$ref === 'string') {
      const target = resolveLocalRef(ctx.writerRoot, schema.$ref);
      if (target === undefined) missing.push(schema.$ref);
      else parts.unshift(target);
    }
    for (const part of parts) {
      // A ref chain that loops back adds nothing new; depth stops it.
      if (depth > 32 || !(isObject(part) || typeof part === 'boolean')) continue;
      const normal = normalizeWriter(part, path, ctx, depth + 1);
      if (normal === false) return { value: false as const, unresolved: missing };
      result = merge(ctx, normal, result);
    }
    return { value: result as JsonObject | false, unresolved: missing };
  });
  for (const ref of unresolved)
    report(ctx, { path, kind: 'ref_unresolvable', subject: ref, writer: schema, reader: null });
  return value;
}

/** Equal on both sides, also where they reference `$defs` (which must then be equal too). */
function sameConstraint(a: unknown, b: unknown, ctx: CompareContext): boolean {
  if (!deepEqual(a, b)) return false;
  for (const ref of collectRefs(b, ctx.readerRoot)) {
    if (!deepEqual(resolveLocalRef(ctx.writerRoot, ref), resolveLocalRef(ctx.readerRoot, ref))) return false;
  }
  return true;
}

function compareNormalized(writer: JsonObject, reader: JsonObject, path: string, ctx: CompareContext): void {
  // 1. Constraints both sides share verbatim hold for the writer already.
  for (const unit of units) {
    if (
      unit.some((k) => Object.hasOwn(reader, k)) &&
      unit.every((k) => sameConstraint(writer[k], reader[k], ctx))
    ) {
      reader = omit(ctx, reader, unit);
      writer = omit(ctx, writer, unit);
    }
  }
  // 2. A writer union: every branch must be readable.
  for (const key of ['anyOf', 'oneOf']) {
    const branches = writer[key];
    if (!Array.isArray(branches)) continue;
    const base = omit(ctx, writer, [key]);
    for (const branch of branches) {
      if (!(isObject(branch) || typeof branch === 'boolean')) continue;
      const normal = normalizeWriter(branch, path, ctx);
      if (normal !== false) compare(merge(ctx, base, normal), reader, path, ctx);
    }
    return;
  }
  // 3. Reader intersections split exactly: the writer must satisfy each part.
  if (typeof reader.$ref === 'string') {
    const target = resolveLocalRef(ctx.readerRoot, reader.$ref);
    if (target === undefined)
      report(ctx, { path, kind: 'ref_unresolvable', subject: reader.$ref, writer, reader });
    else compare(writer, target, path, ctx);
    compare(writer, omit(ctx, reader, ['$ref']), path, ctx);
    return;
  }
  if (Array.isArray(reader.allOf)) {
    reader.allOf.forEach((part, i) => {
      if (isObject(part) || typeof part === 'boolean')
        compare(writer, part, childPath(path, 'allOf', i), ctx);
    });
    compare(writer, omit(ctx, reader, ['allOf']), path, ctx);
    return;
  }
  // 4. Reader unions: per writer type, some branch taking that type must accept it.
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(reader[key])) {
      compareReaderUnion(writer, reader, key, path, ctx);
      compare(writer, omit(ctx, reader, [key]), path, ctx);
      return;
    }
  }
  compareTypes(writer, reader, path, ctx);
  compareEnum(writer, reader, path, ctx);
  compareConstraints(writer, reader, path, ctx);
  const finite = finiteValues(writer) !== undefined;
  const types = writerTypes(writer);
  const readerTypes = declaredTypes(reader);
  if (!finite && writerMayBe(types, 'object') && accepts(readerTypes, 'object')) {
    compareObject(writer, reader, path, ctx, (w, r, p) => compare(w, r, p, ctx));
  }
  if (!finite && writerMayBe(types, 'array') && accepts(readerTypes, 'array')) {
    compareArray(writer, reader, path, ctx, (w, r, p) => compare(w, r, p, ctx));
  }
  compareOtherKeywords(writer, reader, path, ctx, finite);
}

function compareReaderUnion(
  writer: JsonObject,
  reader: JsonObject,
  key: 'anyOf' | 'oneOf',
  path: string,
  ctx: CompareContext,
): void {
  const branches = (reader[key] as unknown[]).map((b, i) => ({ schema: peekReader(b, ctx), raw: b, i }));
  const types = writerTypes(writer) ?? ALL_TYPES;
  for (const t of types) {
    const variant =
      types.length > 1 ? memoised(ctx, writer, `as:${t}`, () => ({ ...writer, type: t })) : writer;
    const candidates = branches.filter(
      (b) => b.schema !== false && accepts(declaredTypes(b.schema === true ? {} : b.schema), t),
    );
    if (candidates.length === 0) {
      report(ctx, { path, kind: 'type', subject: t, writer: writer.type ?? t, reader: reader[key] });
      continue;
    }
    if (key === 'oneOf' && candidates.length > 1) {
      report(ctx, {
        path: childPath(path, key),
        kind: 'one_of_undecidable',
        detail: t,
        writer: writer.type ?? t,
        reader: reader[key],
      });
      continue;
    }
    const attempts = candidates.map((c) => {
      const trial = fork(ctx);
      compare(variant, c.raw as JsonSchema, childPath(path, key, c.i), trial);
      return trial.reasons;
    });
    if (attempts.some((reasons) => reasons.length === 0)) continue;
    if (attempts.length === 1) ctx.reasons.push(...(attempts[0] ?? []));
    else
      report(ctx, {
        path: childPath(path, key),
        kind: 'no_branch',
        subject: key,
        detail: t,
        writer,
        reader: reader[key],
      });
  }
}

/** A reader branch with its `$ref` followed, only to read its `type`. */
function peekReader(branch: unknown, ctx: CompareContext, depth = 0): JsonSchema {
  if (typeof branch === 'boolean') return branch;
  if (!isObject(branch)) return true;
  if (typeof branch.$ref === 'string' && branch.type === undefined && depth < 16) {
    return peekReader(resolveLocalRef(ctx.readerRoot, branch.$ref) ?? true, ctx, depth + 1);
  }
  return branch;
}

function compareOtherKeywords(
  writer: JsonObject,
  reader: JsonObject,
  path: string,
  ctx: CompareContext,
  finite: boolean,
): void {
  const types = writerTypes(writer);
  for (const [key, value] of Object.entries(reader)) {
    if (annotations.has(key) || key.startsWith('x-')) continue;
    const family = familyOf[key];
    if (family && !writerMayBe(types, family)) continue;
    if (handled.has(key)) {
      // Finite writers skip the structural comparison; equal structure is still provably fine.
      const structural = [
        'properties',
        'required',
        'additionalProperties',
        'unevaluatedProperties',
        'patternProperties',
        'items',
        'prefixItems',
      ];
      const relevant =
        finite && structural.includes(key) && (writerMayBe(types, 'object') || writerMayBe(types, 'array'));
      if (!relevant || sameConstraint(writer[key], value, ctx)) continue;
    } else if (sameConstraint(writer[key], value, ctx)) {
      continue;
    }
    report(ctx, {
      path: childPath(path, key),
      kind: 'keyword_undecidable',
      subject: key,
      writer: writer[key] ?? null,
      reader: value,
    });
  }
}
