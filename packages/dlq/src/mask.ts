/**
 * pii-tagged field paths, as a schema version's fieldTags names them. A path is relative to the
 * event's `data` ("/email", "address.street") unless it starts with `$`, which roots it at the
 * event itself: `$.user_id`, `$.metadata.ip` or `$/metadata/ip`, `$.data.email` (the same as
 * "/email"). See docs/decisions/pii-tags.md.
 */
export type PiiPaths = readonly string[];

export const MASK = '••• pii •••';

/** The parts of an event a pii tag can reach. */
export const PII_ROOTS = ['data', 'metadata', 'user_id'] as const;
export type PiiRoot = (typeof PII_ROOTS)[number];

/** Where a tag path points: a root field of the event and the keys below it (none: the whole field). */
export interface PiiTarget {
  root: PiiRoot;
  keys: string[];
}

/**
 * The target of a tag path, or null when it names nothing a pii tag can reach (`$.event_type`,
 * `$.source`, a value below `$.user_id`).
 */
export function piiTarget(path: string): PiiTarget | null {
  if (!path.startsWith('$')) return { root: 'data', keys: segments(path) };
  const rest = path.slice(1);
  const all = rest.startsWith('/') ? segments(rest) : rest.startsWith('.') ? rest.slice(1).split('.') : null;
  const [root, ...keys] = all ?? [];
  if (root === 'data' || root === 'metadata') return { root, keys };
  if (root === 'user_id' && keys.length === 0) return { root, keys };
  return null;
}

/**
 * Masks the values at `paths` in an event (or in an envelope, which is what worker-stage
 * payloads hold; it has the same data, metadata and user_id). A path through an array applies
 * the rest of it to every item; a path naming a whole field (`$.user_id`, `$.metadata`)
 * replaces that field. Returns a copy and the paths that matched something.
 */
export function maskPii(event: unknown, paths: PiiPaths): { value: unknown; masked: string[] } {
  if (!isObject(event) || paths.length === 0) return { value: event, masked: [] };
  const copy: Record<string, unknown> = { ...event };
  const cloned = new Set<PiiRoot>();
  const masked: string[] = [];
  for (const path of paths) {
    const target = piiTarget(path);
    if (!target || !Object.hasOwn(copy, target.root)) continue;
    if (target.keys.length === 0) {
      copy[target.root] = MASK;
      masked.push(path);
      continue;
    }
    if (!cloned.has(target.root)) {
      copy[target.root] = structuredClone(copy[target.root]);
      cloned.add(target.root);
    }
    const node = copy[target.root];
    if (isObject(node) && maskAt(node, target.keys)) masked.push(path);
  }
  return { value: copy, masked };
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
