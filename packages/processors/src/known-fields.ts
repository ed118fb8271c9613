/**
 * The dotted `data.` paths a JSON Schema declares (`data.plan`, `data.address.city`), for the
 * compile check that refuses an expression naming a field no input type has. Only declared
 * properties count, also under an open object (additionalProperties not false): a field the
 * schema does not name is far more often a typo than a field producers send undeclared.
 * Alternatives (anyOf/oneOf/allOf branches) all contribute; array items contribute their paths
 * below the array's own (`data.items.sku`).
 */
export function dataFieldsOf(schema: unknown, limit = 5000): Set<string> {
  const out = new Set<string>(['data']);
  const visit = (node: unknown, prefix: string, depth: number) => {
    if (depth > 16 || out.size >= limit || !isObject(node)) return;
    const props = node.properties;
    if (isObject(props)) {
      for (const [key, child] of Object.entries(props)) {
        const path = `${prefix}.${key}`;
        out.add(path);
        visit(child, path, depth + 1);
      }
    }
    for (const branch of ['anyOf', 'oneOf', 'allOf'] as const) {
      const list = node[branch];
      if (Array.isArray(list)) for (const b of list) visit(b, prefix, depth + 1);
    }
    if (isObject(node.items)) visit(node.items, prefix, depth + 1);
  };
  visit(schema, 'data', 0);
  return out;
}

/** Fields every event has, whatever its type. */
export const EVENT_ROOT_FIELDS = [
  'event_id',
  'event_type',
  'source',
  'timestamp',
  'user_id',
  'received_at',
  'data',
  'metadata',
  'derived',
] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
