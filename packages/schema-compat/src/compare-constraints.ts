import { compileLinear } from '@tributary/linear-regex';
import { report, type CompareContext } from './context.ts';
import { isObject, numberOrUndefined, show, type JsonObject } from './json.ts';
import { accepts, declaredTypes, finiteValues, writerMayBe, writerTypes } from './compare-types.ts';

type Family = 'string' | 'number' | 'array' | 'object';

interface CountRule {
  keyword: string;
  family: Family;
  side: 'min' | 'max';
  measure: (value: unknown) => number | undefined;
}

const stringLength = (v: unknown): number | undefined => (typeof v === 'string' ? [...v].length : undefined);
const arrayLength = (v: unknown): number | undefined => (Array.isArray(v) ? v.length : undefined);
const propertyCount = (v: unknown): number | undefined => (isObject(v) ? Object.keys(v).length : undefined);

const countRules: CountRule[] = [
  { keyword: 'minLength', family: 'string', side: 'min', measure: stringLength },
  { keyword: 'maxLength', family: 'string', side: 'max', measure: stringLength },
  { keyword: 'minItems', family: 'array', side: 'min', measure: arrayLength },
  { keyword: 'maxItems', family: 'array', side: 'max', measure: arrayLength },
  { keyword: 'minProperties', family: 'object', side: 'min', measure: propertyCount },
  { keyword: 'maxProperties', family: 'object', side: 'max', measure: propertyCount },
];

/** Constraints only bite on values of their family that both sides let through the type check. */
function applies(family: Family, writer: JsonObject, reader: JsonObject): boolean {
  const readerList = declaredTypes(reader);
  const readerTakes = family === 'number' ? accepts(readerList, 'integer') : accepts(readerList, family);
  return writerMayBe(writerTypes(writer), family) && readerTakes;
}

function writerMaxItems(writer: JsonObject): number | undefined {
  const declared = numberOrUndefined(writer.maxItems);
  // A closed tuple cannot be longer than its prefix.
  const tuple =
    writer.items === false && Array.isArray(writer.prefixItems) ? writer.prefixItems.length : undefined;
  if (declared === undefined) return tuple;
  return tuple === undefined ? declared : Math.min(declared, tuple);
}

export function compareConstraints(
  writer: JsonObject,
  reader: JsonObject,
  path: string,
  ctx: CompareContext,
): void {
  const values = finiteValues(writer);
  for (const rule of countRules) {
    const limit = numberOrUndefined(reader[rule.keyword]);
    if (limit === undefined || !applies(rule.family, writer, reader)) continue;
    if (values) {
      const bad = values.filter((v) => {
        const n = rule.measure(v);
        return n !== undefined && (rule.side === 'min' ? n < limit : n > limit);
      });
      if (bad.length > 0) reportBound(ctx, path, rule.keyword, writer, reader, bad);
      continue;
    }
    const own =
      rule.keyword === 'maxItems' ? writerMaxItems(writer) : numberOrUndefined(writer[rule.keyword]);
    const broken = rule.side === 'min' ? (own ?? 0) < limit : own === undefined || own > limit;
    if (broken) reportBound(ctx, path, rule.keyword, writer, reader);
  }
  if (applies('number', writer, reader)) compareNumbers(writer, reader, path, ctx, values);
  if (applies('string', writer, reader)) compareStrings(writer, reader, path, ctx, values);
  if (applies('array', writer, reader) && reader.uniqueItems === true && writer.uniqueItems !== true) {
    const max = writerMaxItems(writer);
    const dup = values?.some(
      (v) => Array.isArray(v) && new Set(v.map((i) => JSON.stringify(i))).size < v.length,
    );
    if (values ? dup : max === undefined || max > 1) reportBound(ctx, path, 'uniqueItems', writer, reader);
  }
}

function reportBound(
  ctx: CompareContext,
  path: string,
  keyword: string,
  writer: JsonObject,
  reader: JsonObject,
  bad?: unknown[],
): void {
  report(ctx, {
    path,
    kind: 'bound',
    subject: keyword,
    writer: writer[keyword] ?? null,
    reader: reader[keyword] ?? null,
    detail: bad?.map((v) => show(v)).join(', '),
  });
}

interface Bound {
  value: number;
  exclusive: boolean;
  keyword: string;
}

/** The tighter of `minimum`/`exclusiveMinimum` (or the maximum pair), rounded inward for integers. */
function bound(schema: JsonObject, side: 'lower' | 'upper', integerOnly: boolean): Bound | undefined {
  const [inclusiveKey, exclusiveKey] =
    side === 'lower' ? ['minimum', 'exclusiveMinimum'] : ['maximum', 'exclusiveMaximum'];
  const inclusive = numberOrUndefined(schema[inclusiveKey]);
  const exclusive = numberOrUndefined(schema[exclusiveKey]);
  const candidates: Bound[] = [];
  if (inclusive !== undefined) candidates.push({ value: inclusive, exclusive: false, keyword: inclusiveKey });
  if (exclusive !== undefined) candidates.push({ value: exclusive, exclusive: true, keyword: exclusiveKey });
  const sign = side === 'lower' ? 1 : -1;
  let best: Bound | undefined;
  for (const c of candidates) {
    if (!best || sign * (c.value - best.value) > 0 || (c.value === best.value && c.exclusive)) best = c;
  }
  if (!best || !integerOnly) return best;
  const rounded =
    side === 'lower'
      ? best.exclusive
        ? Math.floor(best.value) + 1
        : Math.ceil(best.value)
      : best.exclusive
        ? Math.ceil(best.value) - 1
        : Math.floor(best.value);
  return { value: rounded, exclusive: false, keyword: best.keyword };
}

function compareNumbers(
  writer: JsonObject,
  reader: JsonObject,
  path: string,
  ctx: CompareContext,
  values: unknown[] | undefined,
): void {
  const types = writerTypes(writer);
  const integerOnly = types !== undefined && !types.includes('number');
  const numbers = values?.filter((v): v is number => typeof v === 'number');
  for (const side of ['lower', 'upper'] as const) {
    const limit = bound(reader, side, false);
    if (!limit) continue;
    const outside = (n: number, exclusive: boolean): boolean => {
      const d = side === 'lower' ? n - limit.value : limit.value - n;
      return d < 0 || (d === 0 && limit.exclusive && !exclusive);
    };
    if (numbers) {
      const bad = numbers.filter((n) => outside(n, false));
      if (bad.length > 0) reportBound(ctx, path, limit.keyword, writer, reader, bad);
      continue;
    }
    const own = bound(writer, side, integerOnly);
    if (!own || outside(own.value, own.exclusive)) reportBound(ctx, path, limit.keyword, writer, reader);
  }
  const step = numberOrUndefined(reader.multipleOf);
  if (step === undefined) return;
  if (numbers) {
    const bad = numbers.filter((n) => !isMultiple(n, step));
    if (bad.length > 0) reportBound(ctx, path, 'multipleOf', writer, reader, bad);
    return;
  }
  const ownStep = numberOrUndefined(writer.multipleOf) ?? (integerOnly ? 1 : undefined);
  if (ownStep === undefined || !isMultiple(ownStep, step))
    reportBound(ctx, path, 'multipleOf', writer, reader);
}

function isMultiple(value: number, step: number): boolean {
  const q = value / step;
  return Math.abs(q - Math.round(q)) < 1e-9;
}

function compareStrings(
  writer: JsonObject,
  reader: JsonObject,
  path: string,
  ctx: CompareContext,
  values: unknown[] | undefined,
): void {
  const strings = values?.filter((v): v is string => typeof v === 'string');
  const pattern = reader.pattern;
  if (typeof pattern === 'string' && writer.pattern !== pattern) {
    const bad = strings ? nonMatching(strings, pattern) : undefined;
    if (bad === undefined || bad.length > 0) {
      report(ctx, {
        path,
        kind: writer.pattern === undefined && !strings ? 'pattern_added' : 'pattern_changed',
        writer: writer.pattern ?? (strings ? (writer.enum ?? writer.const) : null),
        reader: pattern,
        detail: bad?.map((v) => show(v)).join(', '),
      });
    }
  }
  const format = reader.format;
  // Formats are not compared against enum values: the checker does not embed format validators.
  if (typeof format === 'string' && writer.format !== format) {
    report(ctx, {
      path,
      kind: writer.format === undefined ? 'format_added' : 'format_changed',
      writer: writer.format ?? null,
      reader: format,
    });
  }
}

/** Strings that fail the pattern; undefined when the pattern does not compile here. */
function nonMatching(strings: string[], pattern: string): string[] | undefined {
  try {
    // RE2, as ingest matches: the checker runs in the console on schemas anyone may propose.
    const re = compileLinear(pattern);
    return strings.filter((s) => !re.test(s));
  } catch {
    return undefined;
  }
}
