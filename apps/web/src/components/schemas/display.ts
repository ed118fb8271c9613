// Deterministic display helpers (UTC, explicit patterns): server and browser render the same text.

const pad = (n: number) => n.toString().padStart(2, '0');

/** "2026-11-22 01:40 UTC" */
export function formatDateTime(value: string | number): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** JSON with object keys sorted, so two documents compare equal whatever their key order. */
export function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** The page of a subject; names may hold ':' which belongs encoded in a path segment. */
export function subjectHref(name: string, suffix = ''): string {
  return `/schemas/${encodeURIComponent(name)}${suffix}`;
}

/** Route params arrive percent-encoded or not depending on the caller; names never hold '%'. */
export function subjectFromParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The text a brand-new subject's editor starts from. */
export const STARTER_SCHEMA = `{
  "type": "object",
  "properties": {
  },
  "additionalProperties": false
}`;
