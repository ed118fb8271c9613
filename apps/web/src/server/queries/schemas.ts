import { toDateTime64 } from '@tributary/clickhouse';
import { TributaryError } from '@tributary/contracts';
import { checkExamples } from '@tributary/registry';
import { z } from 'zod';
import { selectRows, type QueryTarget } from './run.ts';

const num = z.coerce.number();
const DAY_MS = 24 * 60 * 60 * 1000;

export interface SubjectTraffic {
  /** Events of this type received in the 24 h before `now`. */
  events24h: number;
  /** Newest receive time of any stored event of this type (epoch ms). */
  lastSeenAt: number | null;
}

/** Volume and last-seen per event type; types with no stored events are absent from the map. */
export async function getSubjectTraffic(
  target: QueryTarget,
  eventTypes: string[],
  now = Date.now(),
): Promise<Map<string, SubjectTraffic>> {
  if (eventTypes.length === 0) return new Map();
  // NOTE: count(), not uniqExact(event_id): a retried insert not yet folded by a merge may
  // count twice for a while; the console shows an order of magnitude, not a ledger.
  const rows = await selectRows(
    target,
    `SELECT event_type,
            countIf(received_at >= {since:DateTime64(3, 'UTC')}) AS events,
            toUnixTimestamp64Milli(max(received_at)) AS last
     FROM {db:Identifier}.events
     WHERE event_type IN {types:Array(String)}
     GROUP BY event_type`,
    { types: eventTypes, since: toDateTime64(now - DAY_MS) },
    z.object({ event_type: z.string(), events: num, last: num }),
  );
  return new Map(rows.map((r) => [r.event_type, { events24h: r.events, lastSeenAt: r.last }]));
}

const sampleRow = z.object({
  event_id: z.string(),
  data: z.string(),
  schema_version: z.union([z.null(), num]),
  received_ms: num,
});

export interface SampledEvent {
  event_id: string;
  data: unknown;
  schema_version: number | null;
  received_at: number;
}

/** The newest `limit` distinct events of a type received in the 24 h before `now`. */
export async function sampleRecentEvents(
  target: QueryTarget,
  eventType: string,
  limit: number,
  now = Date.now(),
): Promise<SampledEvent[]> {
  const rows = await selectRows(
    target,
    `SELECT event_id, toJSONString(data) AS data, schema_version,
            toUnixTimestamp64Milli(received_at) AS received_ms
     FROM {db:Identifier}.events
     WHERE event_type = {type:String}
       AND received_at >= {since:DateTime64(3, 'UTC')}
     ORDER BY received_at DESC, event_id DESC
     LIMIT 1 BY event_id
     LIMIT {limit:UInt32}`,
    // NOTE: the epoch alias must not be named received_at: ClickHouse lets an alias shadow the
    // column inside WHERE, which would compare milliseconds with a DateTime64.
    // 64-bit integers inside the JSON column come back as numbers, not quoted strings, so an
    // "integer" property validates as it did at ingest.
    { type: eventType, since: toDateTime64(now - DAY_MS), limit },
    sampleRow,
  );
  return rows.map((r) => ({
    event_id: r.event_id,
    data: JSON.parse(r.data) as unknown,
    schema_version: r.schema_version,
    received_at: r.received_ms,
  }));
}

/** Whether any stored event of `eventType` names `version` as its schema version. */
export async function hasEventsForVersion(
  target: QueryTarget,
  eventType: string,
  version: number,
): Promise<boolean> {
  const rows = await selectRows(
    target,
    `SELECT count() AS n FROM (
       SELECT 1 FROM {db:Identifier}.events
       WHERE event_type = {type:String} AND schema_version = {version:UInt32}
       LIMIT 1
     )`,
    { type: eventType, version },
    z.object({ n: num }),
  );
  return (rows[0]?.n ?? 0) > 0;
}

export interface TrafficFailure {
  event_id: string;
  messages: string[];
}

export interface TrafficCheck {
  checked: number;
  failing: number;
  /** Up to `maxExamples` failing events, newest first. */
  examples: TrafficFailure[];
}

// The registry's example checker is the validator (ajv, draft 2020-12, formats) that schemas'
// examples must pass; it takes at most this many data objects per call.
const CHUNK = 20;

/**
 * Runs `schema` over each event's `data`. The registry's checker stops at the first failing
 * object, so a chunk is re-checked from just past each failure: one schema compile per chunk
 * plus one per failing event.
 */
export function checkEventsAgainst(
  schema: Record<string, unknown>,
  events: { event_id: string; data: unknown }[],
  maxExamples = 5,
): TrafficCheck {
  const examples: TrafficFailure[] = [];
  let failing = 0;
  let start = 0;
  while (start < events.length) {
    const chunk = events.slice(start, start + CHUNK);
    try {
      checkExamples(
        schema,
        chunk.map((e) => e.data),
      );
      start += chunk.length;
    } catch (err) {
      const failure = failedExample(err);
      const failed = failure ? chunk[failure.index] : undefined;
      if (!failure || !failed) throw err;
      failing++;
      if (examples.length < maxExamples)
        examples.push({ event_id: failed.event_id, messages: failure.messages });
      start += failure.index + 1;
    }
  }
  return { checked: events.length, failing, examples };
}

function failedExample(err: unknown): { index: number; messages: string[] } | null {
  if (!(err instanceof TributaryError)) return null;
  const details = err.details as { example?: unknown; errors?: unknown } | undefined;
  if (typeof details?.example !== 'number') return null;
  const messages = Array.isArray(details.errors) ? details.errors.map(String) : [err.message];
  return { index: details.example, messages };
}
