import type { z } from 'zod';
import type { DefinitionError } from './types.ts';

/** 'steps[2].expression' from ['steps', 2, 'expression']. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out === '' ? '(definition)' : out;
}

/** The schema's refusals as DefinitionErrors, with plainer words where zod's are too terse. */
export function zodErrors(error: z.ZodError): DefinitionError[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path);
    const last = issue.path.at(-1);
    const absent = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    if (last === 'graceSeconds' && absent) {
      return {
        path,
        message:
          'a window needs an explicit grace period: set graceSeconds (0 or more) — how long after a window ends late events are still counted; none is assumed',
      };
    }
    if (last === 'kind' && issue.code === 'invalid_union') {
      return {
        path,
        message: `unknown step kind (known: filter, transform, enrich_ua, enrich_geo, enrich_lookup, pii_hash, dedupe, aggregate)`,
      };
    }
    if (absent) return { path, message: `${String(last)} is required` };
    return { path, message: issue.message };
  });
}
