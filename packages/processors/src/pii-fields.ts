import type { Db } from '@tributary/db';

/**
 * pii tags as processors see them. A schema version's fieldTags name places in an event as JSON
 * pointers relative to `data` ("/email"), dotted paths relative to `data` ("address.street"), or
 * `$`-rooted paths ("$.user_id", "$.metadata.ip"); see docs/decisions/pii-tags.md. Steps and the
 * preview speak dotted event paths ("data.email", "user_id", "metadata.ip"), so each tag is mapped
 * to one here. A tag that names nothing a pii tag can reach ("$.event_type") maps to null.
 */
export function fieldOfTagPath(path: string): string | null {
  if (!path.startsWith('$')) {
    const keys = dataKeys(path);
    return keys.length === 0 ? 'data' : `data.${keys.join('.')}`;
  }
  const rest = path.slice(1);
  const all = rest.startsWith('/') ? dataKeys(rest) : rest.startsWith('.') ? rest.slice(1).split('.') : null;
  if (!all) return null;
  const [root, ...keys] = all;
  if (root === 'data' || root === 'metadata') return [root, ...keys].join('.');
  if (root === 'user_id' && keys.length === 0) return 'user_id';
  return null;
}

function dataKeys(path: string): string[] {
  if (path.startsWith('/')) {
    return path
      .slice(1)
      .split('/')
      .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
      .filter((s) => s.length > 0);
  }
  return path.split('.').filter((s) => s.length > 0);
}

/**
 * pii fields per event type (dotted), over every version of each subject: a field tagged once
 * stays sensitive, as the dead-letter store treats it.
 */
export async function loadPiiFields(db: Db): Promise<Map<string, string[]>> {
  const versions = await db.schemaVersion.findMany({
    select: { fieldTags: true, subject: { select: { name: true } } },
  });
  const out = new Map<string, Set<string>>();
  for (const v of versions) {
    const tags = v.fieldTags;
    if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) continue;
    for (const [path, list] of Object.entries(tags)) {
      if (!Array.isArray(list) || !list.includes('pii')) continue;
      const field = fieldOfTagPath(path);
      if (!field) continue;
      const set = out.get(v.subject.name) ?? new Set<string>();
      set.add(field);
      out.set(v.subject.name, set);
    }
  }
  return new Map([...out].map(([k, s]) => [k, [...s].sort()]));
}
