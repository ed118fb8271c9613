import { isDeepStrictEqual } from 'node:util';
import type { QueryTarget } from '@tributary/clickhouse';
import { TributaryError } from '@tributary/contracts';
import { selectedEntries } from './entries.ts';
import type { SqlPart } from './filter.ts';

/**
 * What an edited replay may change. Everything else names the event (event_id, event_type),
 * where it came from (source, write_key_id, received_at, traceparent) or how it was checked
 * (schema_version, which a replay chooses with its own option): an edit that could change those
 * could make one event stand in for another, or one source for another.
 */
export const EDITABLE_FIELDS = ['data', 'metadata', 'timestamp', 'user_id'] as const;
const EDITABLE: ReadonlySet<string> = new Set(EDITABLE_FIELDS);
/**
 * The other fields an event or its envelope has. A field outside these is not part of any
 * event (ingest refuses unknown top-level fields), so an edit may remove it — that is how an
 * invalid_envelope entry gets fixed — but never add or change it.
 */
const CONTRACT: ReadonlySet<string> = new Set([
  'event_id',
  'event_type',
  'schema_version',
  'source',
  'write_key_id',
  'received_at',
  'traceparent',
  'replay',
]);

/** What the edit is compared with: the stored entry. */
export interface EditBase {
  event_id: string;
  event_type: string | null;
  payload: string;
  payload_encoding: 'utf8' | 'base64';
}

/**
 * The first top-level field an edited payload changes that it may not, with why; null when
 * the edit only touches the editable fields (or is not a JSON object: the replay's own checks
 * say so then). Compared with the stored payload when that is a JSON object; a payload that is
 * not (stored bytes that were never an event) has no fields to keep, so the edit may only add
 * the editable ones plus the event_id and event_type the entry recorded (when it recorded one).
 */
export function editRefusal(
  entry: EditBase,
  editedPayload: string,
): { field: string; message: string } | null {
  const edited = objectOf(editedPayload);
  if (!edited) return null;
  const stored = entry.payload_encoding === 'utf8' ? objectOf(entry.payload) : null;
  const allowed = `only ${EDITABLE_FIELDS.join(', ')} may be edited`;
  if (stored) {
    const fields = new Set([...Object.keys(stored), ...Object.keys(edited)]);
    for (const field of [...fields].sort()) {
      if (EDITABLE.has(field)) continue;
      let before = Object.hasOwn(stored, field) ? stored[field] : undefined;
      let after = Object.hasOwn(edited, field) ? edited[field] : undefined;
      if (field === 'event_id') {
        // An event without one is replayed under the id the entry recorded (reprocess).
        before ??= entry.event_id || undefined;
        after ??= entry.event_id || undefined;
      }
      if (after === undefined && !CONTRACT.has(field)) continue;
      if (!isDeepStrictEqual(before, after)) {
        return { field, message: `the edit changes '${field}': ${allowed}` };
      }
    }
    return null;
  }
  for (const field of Object.keys(edited).sort()) {
    if (EDITABLE.has(field)) continue;
    const recorded =
      field === 'event_id' ? entry.event_id || null : field === 'event_type' ? entry.event_type : undefined;
    if (recorded === undefined) {
      return { field, message: `the edit adds '${field}': ${allowed}` };
    }
    if (recorded !== null && edited[field] !== recorded) {
      return {
        field,
        message: `the edit changes '${field}' (the entry records ${JSON.stringify(recorded)}): ${allowed}`,
      };
    }
  }
  return null;
}

/** Throws bad_request naming the field when the edit changes one it may not. */
export function assertEditAllowed(entry: EditBase, editedPayload: string): void {
  const refusal = editRefusal(entry, editedPayload);
  if (refusal) {
    throw new TributaryError('bad_request', refusal.message, {
      field: refusal.field,
      editable: [...EDITABLE_FIELDS],
    });
  }
}

function objectOf(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The server-side check of an edited replay or dry run: the one selected entry, read from the
 * store, against the edit. Runs before anything is recorded or sent.
 */
export async function assertStoredEditAllowed(
  target: QueryTarget,
  sql: SqlPart,
  editedPayload: string | undefined,
): Promise<void> {
  if (editedPayload === undefined) return;
  for await (const page of selectedEntries(target, sql, 1, 1)) {
    for (const entry of page) assertEditAllowed(entry, editedPayload);
  }
}
