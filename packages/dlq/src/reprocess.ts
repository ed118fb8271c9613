import type { Envelope } from '@tributary/contracts';
import { sortEvents, type SchemaRules } from '@tributary/pipeline';
import { editRefusal } from './edit-fields.ts';

/** What a replay needs of a dead-letter entry. */
export interface ReplayableEntry {
  id: string;
  event_id: string;
  /** The type the entry recorded (an edit may not change it). */
  event_type?: string | null;
  payload: string;
  payload_encoding: 'utf8' | 'base64';
  source: string | null;
  write_key_id: string | null;
  attempts: number;
  failed_at: string;
  first_failed_at: string;
}

export type Reprocessed =
  | { ok: true; envelope: Envelope }
  | { ok: false; code: string; message: string; reasons: string[]; details?: unknown };

function notReplayable(reason: string): Reprocessed {
  return { ok: false, code: 'not_replayable', message: reason, reasons: [reason] };
}

// Fields ingest adds around a producer's event; a worker- or sink-stage payload is that envelope.
const ENVELOPE_ONLY = ['source', 'write_key_id', 'received_at', 'traceparent', 'replay'] as const;

/**
 * Runs an entry's event through the checks ingest runs (envelope, then the schema rules of its
 * source and type), as if its source sent it now. Pure: the caller sends or reports the result.
 * The event keeps its event_id — the entry's when the payload names none — so however often it
 * is replayed, the pipeline's deduplication sees one event.
 */
export function reprocess(
  entry: ReplayableEntry,
  rules: SchemaRules,
  opts: { now: Date; replayId: string; schemaVersion?: number; editedPayload?: string },
): Reprocessed {
  const text = opts.editedPayload ?? entry.payload;
  if (opts.editedPayload !== undefined) {
    // Refused before a replay starts (startReplay); checked again here so that no path —
    // a resumed replay recorded before the rule, a direct caller — sends such an edit.
    const refusal = editRefusal({ ...entry, event_type: entry.event_type ?? null }, opts.editedPayload);
    if (refusal)
      return { ok: false, code: 'edit_not_allowed', message: refusal.message, reasons: [refusal.message] };
  }
  if (opts.editedPayload === undefined && entry.payload_encoding !== 'utf8') {
    return notReplayable('the original payload is not text; edit it into a JSON event to replay it');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return notReplayable(`the payload is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return notReplayable('the payload must be one JSON object (an event)');
  }
  const event: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const source = entry.source ?? stringOr(event.source);
  const writeKeyId = entry.write_key_id ?? stringOr(event.write_key_id);
  if (!source || !writeKeyId) {
    return notReplayable('the entry names no source or write key, so it cannot re-enter the pipeline');
  }
  for (const f of ENVELOPE_ONLY) delete event[f];
  if (event.event_id === undefined && entry.event_id) event.event_id = entry.event_id;
  if (opts.schemaVersion !== undefined) event.schema_version = opts.schemaVersion;

  const sorted = sortEvents(
    [{ value: event, text }],
    { id: writeKeyId, sourceName: source },
    opts.now,
    undefined,
    rules,
  );
  const accepted = sorted.accepted[0];
  if (accepted) {
    return {
      ok: true,
      envelope: {
        ...accepted,
        replay: {
          replay_id: opts.replayId,
          dead_letter_id: entry.id,
          attempts: entry.attempts,
          first_failed_at: entry.first_failed_at,
        },
      },
    };
  }
  const rejected = sorted.results[0];
  const dead = sorted.deadLetters[0];
  const reasons = rejected?.status === 'rejected' ? rejected.reasons : ['rejected'];
  return {
    ok: false,
    code: dead?.code ?? 'invalid_envelope',
    message: dead?.message ?? reasons.join('; '),
    reasons,
    details: dead?.details,
  };
}

function stringOr(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}
