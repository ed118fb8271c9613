import { toDateTime64 } from '@tributary/clickhouse';
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

// The traffic check is pure (no ClickHouse); it lives in its own file and is re-exported here
// for the router and tests that import the schema queries.
export { checkEventsAgainst, type TrafficCheck, type TrafficFailure } from './traffic-check.ts';
