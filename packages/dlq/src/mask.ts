/** Field paths (relative to an event's `data`) whose values a viewer may not see. */
export type PiiPaths = readonly string[];

export const MASK = '••• pii •••';

/**
 * Masks the values at `paths` inside `event.data` (and inside the `data` of an envelope, which
 * is what worker-stage payloads hold). Paths are JSON pointers ("/email", "/address/street") or
 * dotted ("address.street"); an array on the way applies the rest of the path to every item.
 * Returns a copy and the paths that matched something.
 */
export function maskPii(event: unknown, paths: PiiPaths): { value: unknown; masked: string[] } {
  if (!isObject(event) || !isObject(event.data) || paths.length === 0) return { value: event, masked: [] };
  const data = structuredClone(event.data);
  const masked: string[] = [];
  for (const path of paths) {
    if (maskAt(data, segments(path))) masked.push(path);
  }
  return { value: { ...event, data }, masked };
}

/** A pii path's keys, from a JSON pointer ("/a/b") or a dotted path ("a.b"). */
export function segments(path: string): string[] {
  if (path.startsWith('/'))
    return path
      .slice(1)
      .split('/')
      .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  return path.split('.');
}

function maskAt(node: unknown, path: string[]): boolean {
  const [head, ...rest] = path;
  if (head === undefined) return false;
  if (Array.isArray(node)) return node.map((item) => maskAt(item, path)).some(Boolean);
  if (!isObject(node) || !(head in node)) return false;
  if (rest.length === 0) {
    node[head] = MASK;
    return true;
  }
  return maskAt(node[head], rest);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The pii-tagged paths of every version of each subject (a field tagged once stays sensitive). */
export function piiPathsFrom(
  versions: Array<{ subject: string; fieldTags: unknown }>,
): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const v of versions) {
    if (!isObject(v.fieldTags)) continue;
    for (const [path, tags] of Object.entries(v.fieldTags)) {
      if (Array.isArray(tags) && tags.includes('pii')) {
        const set = out.get(v.subject) ?? new Set<string>();
        set.add(path);
        out.set(v.subject, set);
      }
    }
  }
  return new Map([...out].map(([k, s]) => [k, [...s].sort()]));
}
