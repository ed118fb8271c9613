/**
 * The editor's early warning for an edit the server will refuse: an edited replay may change
 * only data, metadata, timestamp and user_id (packages/dlq/src/edit-fields.ts decides; this is
 * its rule for the usual case of a stored JSON event, so the editor can say it while typing).
 */
const EDITABLE = new Set(['data', 'metadata', 'timestamp', 'user_id']);
/** Fields of an event or its envelope; any other top-level field may be removed by an edit. */
const CONTRACT = new Set([
  'event_id',
  'event_type',
  'schema_version',
  'source',
  'write_key_id',
  'received_at',
  'traceparent',
  'replay',
]);

/** Why the edit changes a field it may not, naming it; null when it does not (or cannot tell). */
export function lockedFieldProblem(storedText: string, editedText: string): string | null {
  const stored = objectOf(storedText);
  const edited = objectOf(editedText);
  if (!stored || !edited) return null;
  const fields = [...new Set([...Object.keys(stored), ...Object.keys(edited)])].sort();
  for (const field of fields) {
    if (EDITABLE.has(field)) continue;
    const before = Object.hasOwn(stored, field) ? stored[field] : undefined;
    const after = Object.hasOwn(edited, field) ? edited[field] : undefined;
    if (after === undefined && (!CONTRACT.has(field) || field === 'event_id')) continue;
    if (canonical(before) !== canonical(after)) {
      return `The edit changes '${field}': only data, metadata, timestamp and user_id may be edited.`;
    }
  }
  return null;
}

function objectOf(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** JSON with object keys sorted, so key order alone is no change. */
function canonical(v: unknown): string {
  return (
    JSON.stringify(v, (_key, value: unknown) =>
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : value,
    ) ?? 'undefined'
  );
}
