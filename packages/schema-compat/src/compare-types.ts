import { report, type CompareContext } from './context.ts';
import { deepEqual, isObject, show, type JsonObject } from './json.ts';

export type JsonType = 'null' | 'boolean' | 'object' | 'array' | 'number' | 'integer' | 'string';
/** Every JSON value has one of these; `integer` is the subset of `number`. */
export const ALL_TYPES: readonly JsonType[] = ['null', 'boolean', 'object', 'array', 'number', 'string'];
const known = new Set<string>([...ALL_TYPES, 'integer']);

/** The declared `type` list, or undefined when the schema does not restrict the type. */
export function declaredTypes(schema: JsonObject): JsonType[] | undefined {
  const raw = schema.type;
  const list = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : undefined;
  return list?.filter((t): t is JsonType => typeof t === 'string' && known.has(t));
}

export function typeOfValue(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  return 'object';
}

/** `type` list `accepts` a value of type `t` (an integer is a number). */
export function accepts(types: readonly JsonType[] | undefined, t: JsonType): boolean {
  return types === undefined || types.includes(t) || (t === 'integer' && types.includes('number'));
}

/** The writer may produce values of family `t` (number covers integer). */
export function writerMayBe(types: readonly JsonType[] | undefined, t: JsonType): boolean {
  if (types === undefined) return true;
  if (t === 'number') return types.includes('number') || types.includes('integer');
  return types.includes(t);
}

/**
 * The finite set of values a schema allows, when it is finite and known: `const`, `enum`, or a
 * type list of only null/boolean. Values the schema's own `type` rejects are left out.
 */
export function finiteValues(schema: JsonObject): unknown[] | undefined {
  const declared = declaredTypes(schema);
  let values: unknown[] | undefined;
  if (Object.hasOwn(schema, 'const')) values = [schema.const];
  else if (Array.isArray(schema.enum)) values = schema.enum;
  else if (declared && declared.length > 0 && declared.every((t) => t === 'null' || t === 'boolean')) {
    values = [
      ...(declared.includes('null') ? [null] : []),
      ...(declared.includes('boolean') ? [true, false] : []),
    ];
  }
  return values?.filter((v) => accepts(declared, typeOfValue(v)));
}

/** Effective writer types: from its values when finite, else from `type`. */
export function writerTypes(writer: JsonObject): JsonType[] | undefined {
  const values = finiteValues(writer);
  if (values) return [...new Set(values.map(typeOfValue))];
  return declaredTypes(writer);
}

function listTypes(types: readonly JsonType[] | undefined): string {
  return types === undefined ? 'any type' : types.join(' | ');
}

export function compareTypes(
  writer: JsonObject,
  reader: JsonObject,
  path: string,
  ctx: CompareContext,
): void {
  const readerList = declaredTypes(reader);
  if (readerList === undefined) return;
  const lost = (writerTypes(writer) ?? ALL_TYPES).filter((t) => !accepts(readerList, t));
  if (lost.length === 0) return;
  report(ctx, {
    path,
    kind: 'type',
    writer: writer.type ?? listTypes(writerTypes(writer)),
    reader: reader.type,
    subject: lost.join(', '),
  });
}

export function compareEnum(writer: JsonObject, reader: JsonObject, path: string, ctx: CompareContext): void {
  const isConst = Object.hasOwn(reader, 'const');
  const allowed = isConst ? [reader.const] : Array.isArray(reader.enum) ? reader.enum : undefined;
  if (!allowed) return;
  const readerList = declaredTypes(reader);
  const values = finiteValues(writer);
  if (values === undefined) {
    report(ctx, {
      path,
      kind: isConst ? 'const_introduced' : 'enum_introduced',
      writer: writerFragment(writer),
      reader: isConst ? reader.const : reader.enum,
    });
    return;
  }
  // Values the reader's type already rejects were reported by the type rule.
  const lost = values.filter(
    (v) => accepts(readerList, typeOfValue(v)) && !allowed.some((a) => deepEqual(a, v)),
  );
  if (lost.length === 0) return;
  report(ctx, {
    path,
    kind: isConst ? 'const' : 'enum',
    writer: writerFragment(writer),
    reader: isConst ? reader.const : reader.enum,
    detail: lost.map((v) => show(v)).join(', '),
  });
}

function writerFragment(writer: JsonObject): unknown {
  if (Object.hasOwn(writer, 'const')) return writer.const;
  if (Array.isArray(writer.enum)) return writer.enum;
  return isObject(writer) && writer.type !== undefined ? { type: writer.type } : {};
}
