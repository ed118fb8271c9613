/**
 * The fields a panel may name, with their types, from the JSON Schemas of the event types it
 * reads (the registry's latest versions): what the query builder suggests. Pure: the caller
 * loads the schemas.
 */

export type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'datetime' | 'unknown';

export interface SchemaField {
  /** As a panel names it: `data.amount`, `event_type`, or a processor table's column. */
  path: string;
  type: FieldType;
  /** Readable by numeric measures (sum, avg, min, max, quantiles). */
  numeric: boolean;
  /** Where it was found: event types declaring it, 'event' for root fields, or the table. */
  from: string[];
}

/** Root fields of every event that a panel can name (panelFieldSchema). */
const ROOT_FIELDS: ReadonlyArray<[string, FieldType]> = [
  ['event_type', 'string'],
  ['source', 'string'],
  ['user_id', 'string'],
];

/** Metadata most producers send (ingest's contract); suggested, not required. */
const COMMON_METADATA: readonly string[] = ['metadata.ip', 'metadata.user_agent', 'metadata.library'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeOf(node: Record<string, unknown>): FieldType {
  const declared = Array.isArray(node.type)
    ? node.type.filter((t) => t !== 'null')
    : node.type === undefined
      ? []
      : [node.type];
  const [t] = declared;
  if (declared.length > 1)
    return declared.every((d) => d === 'number' || d === 'integer') ? 'number' : 'unknown';
  if (t === 'integer' || t === 'number') return 'number';
  if (t === 'string') return node.format === 'date-time' || node.format === 'date' ? 'datetime' : 'string';
  if (t === 'boolean') return 'boolean';
  if (t === 'object' || (t === undefined && isObject(node.properties))) return 'object';
  if (t === 'array') return 'array';
  return 'unknown';
}

/** Panel field paths are letters, digits and _ per segment, at most 10 below the root. */
const SEGMENT = /^[A-Za-z0-9_]+$/;

/** `data.` fields one JSON Schema declares, with their types (alternatives merged). */
export function dataFields(schema: unknown, limit = 2000): Map<string, FieldType> {
  const out = new Map<string, FieldType>();
  const add = (path: string, type: FieldType) => {
    const seen = out.get(path);
    out.set(
      path,
      seen === undefined || seen === type
        ? type
        : seen === 'unknown'
          ? type
          : type === 'unknown'
            ? seen
            : 'unknown',
    );
  };
  const visit = (node: unknown, prefix: string, depth: number) => {
    if (depth > 10 || out.size >= limit || !isObject(node)) return;
    if (isObject(node.properties)) {
      for (const [key, child] of Object.entries(node.properties)) {
        if (!SEGMENT.test(key) || !isObject(child)) continue;
        const path = `${prefix}.${key}`;
        add(path, typeOf(child));
        visit(child, path, depth + 1);
      }
    }
    for (const branch of ['anyOf', 'oneOf', 'allOf'] as const) {
      const list = node[branch];
      if (Array.isArray(list)) for (const b of list) visit(b, prefix, depth + 1);
    }
  };
  visit(schema, 'data', 0);
  return out;
}

/**
 * Suggestions for an events source: the root fields, every `data.` path the given schemas
 * declare (a path typed differently by two event types is 'unknown'), and common metadata.
 */
export function schemaFields(schemas: ReadonlyArray<{ eventType: string; schema: unknown }>): SchemaField[] {
  const byPath = new Map<string, SchemaField>();
  for (const [path, type] of ROOT_FIELDS) byPath.set(path, { path, type, numeric: false, from: ['event'] });
  for (const { eventType, schema } of schemas) {
    for (const [path, type] of dataFields(schema)) {
      const seen = byPath.get(path);
      if (!seen) byPath.set(path, { path, type, numeric: type === 'number', from: [eventType] });
      else {
        seen.from.push(eventType);
        if (seen.type !== type) {
          seen.type = 'unknown';
          seen.numeric = false;
        }
      }
    }
  }
  for (const path of COMMON_METADATA) {
    if (!byPath.has(path)) byPath.set(path, { path, type: 'string', numeric: false, from: ['metadata'] });
  }
  return [...byPath.values()];
}

/** Suggestions for a processor source: its table's columns, typed from ClickHouse's types. */
export function columnFields(
  table: string,
  columns: ReadonlyArray<{ name: string; type: string }>,
): SchemaField[] {
  return columns.map((c) => {
    const bare = c.type
      .replace(/^(Nullable|LowCardinality)\((.*)\)$/, '$2')
      .replace(/^(Nullable|LowCardinality)\((.*)\)$/, '$2');
    const type: FieldType = /^(U?Int\d+|Float\d+|Decimal)/.test(bare)
      ? 'number'
      : /^(Date|DateTime)/.test(bare)
        ? 'datetime'
        : bare === 'Bool'
          ? 'boolean'
          : bare === 'String' || bare.startsWith('FixedString') || bare.startsWith('Enum')
            ? 'string'
            : 'unknown';
    return { path: c.name, type, numeric: type === 'number', from: [table] };
  });
}
