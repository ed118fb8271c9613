/** One changed place of an event between a processor's input and its output. */
export interface FieldChange {
  /** Dotted, like `derived.geo.country` (array items by index: `data.items.0`). */
  path: string;
  change: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

export const MAX_CHANGES_PER_EVENT = 50;

/**
 * The leaves that differ between two events: only changed paths, objects compared key by key,
 * anything else (arrays, scalars) compared whole. Bounded, so one huge event cannot make the
 * answer huge.
 */
export function diffEvents(before: unknown, after: unknown, limit = MAX_CHANGES_PER_EVENT): FieldChange[] {
  const out: FieldChange[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (out.length >= limit) return;
    if (isObject(a) && isObject(b)) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const k of [...keys].sort()) walk(a[k], b[k], path ? `${path}.${k}` : k);
      return;
    }
    if (a === undefined && b === undefined) return;
    if (a === undefined) out.push({ path, change: 'added', after: b });
    else if (b === undefined) out.push({ path, change: 'removed', before: a });
    else if (!sameValue(a, b)) out.push({ path, change: 'changed', before: a, after: b });
  };
  walk(before, after, '');
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at a dotted path of an event (`data.plan`, `user_id`), or undefined. */
export function valueAt(event: unknown, path: string): unknown {
  let node: unknown = event;
  for (const key of path.split('.')) {
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return node;
}
