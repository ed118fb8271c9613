import { selectRows, type QueryTarget } from '@tributary/clickhouse';
import type { ProcessorDefinition, ProcessorEvent } from '@tributary/contracts';
import { z } from 'zod';

const num = z.coerce.number();

const eventRow = z.object({
  event_id: z.string(),
  event_type: z.string(),
  source: z.string(),
  user_id: z.string().nullable(),
  ts: num,
  received: num,
  data: z.string(),
  metadata: z.string(),
});

/** The input filter of a definition as SQL over `events`/`dead_letters` columns, with its parameters. */
function inputsWhere(inputs: ProcessorDefinition['inputs']): {
  where: string;
  params: Record<string, unknown>;
} {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (inputs.eventTypes.length > 0) {
    parts.push('event_type IN {types:Array(String)}');
    params.types = inputs.eventTypes;
  }
  if (inputs.sources.length > 0) {
    parts.push('source IN {sources:Array(String)}');
    params.sources = inputs.sources;
  }
  return { where: parts.length > 0 ? parts.join(' AND ') : '1', params };
}

/**
 * The newest `limit` events of the processor's inputs, oldest first (the order a worker would
 * have met them). NOTE: the same two-step form as the live tail (apps/web queries/live.ts): the
 * keys of the newest rows first, a top-N over small columns, then the payloads of those keys
 * only; filtering on received_at alone would read every payload.
 */
export async function recentInputEvents(
  target: QueryTarget,
  inputs: ProcessorDefinition['inputs'],
  limit: number,
): Promise<ProcessorEvent[]> {
  const filter = inputsWhere(inputs);
  const rows = await selectRows(
    target,
    `SELECT event_id, event_type, source, user_id,
            toUnixTimestamp64Milli(timestamp) AS ts,
            toUnixTimestamp64Milli(received_at) AS received,
            toJSONString(data) AS data, toJSONString(metadata) AS metadata
     FROM {db:Identifier}.events
     WHERE (event_type, source, event_id) IN (
       SELECT event_type, source, event_id FROM {db:Identifier}.events
       WHERE ${filter.where}
       ORDER BY received_at DESC LIMIT {scan:UInt32}
     )
     ORDER BY received_at DESC, event_id DESC
     LIMIT 1 BY source, event_type, event_id
     LIMIT {limit:UInt32}`,
    // Room for repeats of one event (retried inserts before a merge), as the live tail leaves.
    { ...filter.params, limit, scan: limit * 4 },
    eventRow,
  );
  return rows.reverse().map((r) => ({
    event_id: r.event_id,
    event_type: r.event_type,
    source: r.source,
    user_id: r.user_id,
    timestamp: new Date(r.ts).toISOString(),
    received_at: new Date(r.received).toISOString(),
    data: objectOf(r.data),
    metadata: objectOf(r.metadata),
    derived: {},
  }));
}

const deadLetterRow = z.object({
  id: z.string(),
  event_id: z.string(),
  event_type: z.string().nullable(),
  source: z.string().nullable(),
  stage: z.string(),
  code: z.string(),
  failed: num,
  payload: z.string(),
});

export interface PreviewDeadLetter {
  id: string;
  stage: string;
  code: string;
  event: ProcessorEvent;
}

/** Dead letters are kept 14 days (their table's TTL); older ones may be gone already. */
const DEAD_LETTER_DAYS = 14;

/**
 * The newest dead letters of the processor's inputs whose payload is a readable event (text,
 * JSON, an object): what the processor would make of them were they replayed. Returns the
 * entries and how many of the rows read were not readable as events.
 */
export async function recentInputDeadLetters(
  target: QueryTarget,
  inputs: ProcessorDefinition['inputs'],
  limit: number,
): Promise<{ entries: PreviewDeadLetter[]; unreadable: number }> {
  const filter = inputsWhere(inputs);
  const rows = await selectRows(
    target,
    `SELECT id, event_id, event_type, source, stage, code,
            toUnixTimestamp64Milli(failed_at) AS failed, payload
     FROM {db:Identifier}.dead_letters
     WHERE failed_at > now64(3) - INTERVAL ${DEAD_LETTER_DAYS} DAY
       AND payload_encoding = 'utf8' AND ${filter.where}
     ORDER BY failed_at DESC, id DESC
     LIMIT 1 BY id
     LIMIT {limit:UInt32}`,
    { ...filter.params, limit },
    deadLetterRow,
  );
  const entries: PreviewDeadLetter[] = [];
  let unreadable = 0;
  for (const r of rows.reverse()) {
    const event = eventOfPayload(r);
    if (event) entries.push({ id: r.id, stage: r.stage, code: r.code, event });
    else unreadable++;
  }
  return { entries, unreadable };
}

/**
 * A dead letter's payload as the event steps would see: the producer's event (ingest stages)
 * or the envelope (worker stages). Missing parts are taken from the entry (id, type, source)
 * or left empty; a payload that is not a JSON object is not an event.
 */
function eventOfPayload(r: z.output<typeof deadLetterRow>): ProcessorEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(r.payload);
  } catch {
    return null;
  }
  if (!isObject(value)) return null;
  const failedAt = new Date(r.failed).toISOString();
  const eventType = str(value.event_type) ?? r.event_type;
  if (!eventType) return null;
  return {
    event_id: str(value.event_id) ?? r.event_id,
    event_type: eventType,
    source: str(value.source) ?? r.source ?? '',
    user_id: typeof value.user_id === 'string' ? value.user_id : null,
    timestamp: isoOr(value.timestamp, failedAt),
    received_at: isoOr(value.received_at, failedAt),
    data: isObject(value.data) ? value.data : {},
    metadata: isObject(value.metadata) ? value.metadata : {},
    derived: {},
  };
}

function objectOf(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : {};
  } catch {
    return {};
  }
}

function isoOr(v: unknown, fallback: string): string {
  if (typeof v !== 'string') return fallback;
  const t = Date.parse(v);
  return Number.isNaN(t) ? fallback : new Date(t).toISOString();
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
