import type { ProcessorDefinition, ProcessorEvent } from '@tributary/contracts';
import { toDateTime64 } from '@tributary/clickhouse';
import { z } from 'zod';
import type { OutputTarget } from '../tables/names.ts';
import { checkedDatabase } from '../tables/names.ts';

/** An event's place in the events table's sorting key: (event_type, source, event_id). */
export type EventKey = [string, string, string];

export interface EventSelection {
  from: Date;
  to: Date;
  /** Only rows inserted at or before this time: later arrivals do not move chunk boundaries. */
  snapshotAt: number;
  inputs: ProcessorDefinition['inputs'];
}

function whereOf(s: EventSelection): { where: string; params: Record<string, unknown> } {
  const clauses = [
    "timestamp >= {from:DateTime64(3, 'UTC')}",
    "timestamp < {to:DateTime64(3, 'UTC')}",
    "inserted_at <= {snapshot:DateTime64(3, 'UTC')}",
  ];
  const params: Record<string, unknown> = {
    from: toDateTime64(s.from),
    to: toDateTime64(s.to),
    snapshot: toDateTime64(s.snapshotAt),
  };
  if (s.inputs.eventTypes.length > 0) {
    clauses.push('event_type IN {eventTypes:Array(String)}');
    params.eventTypes = s.inputs.eventTypes;
  }
  if (s.inputs.sources.length > 0) {
    clauses.push('source IN {sources:Array(String)}');
    params.sources = s.inputs.sources;
  }
  return { where: clauses.join(' AND '), params };
}

/** How many distinct events the selection holds (the progress bar's total). */
export async function countEvents(target: OutputTarget, s: EventSelection): Promise<number> {
  const db = checkedDatabase(target.database);
  const { where, params } = whereOf(s);
  const result = await target.client.query({
    query: `SELECT uniqExact(event_type, source, event_id) AS n FROM ${db}.events WHERE ${where}`,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  return z.array(z.object({ n: z.number() })).parse(await result.json())[0]?.n ?? 0;
}

const chTime = z.string().transform((t) => `${t.replace(' ', 'T')}Z`);
const rowSchema = z.object({
  event_id: z.string(),
  event_type: z.string(),
  source: z.string(),
  timestamp: chTime,
  user_id: z.string().nullable(),
  received_at: chTime,
  data: z.record(z.string(), z.unknown()),
  metadata: z.record(z.string(), z.unknown()),
});

/**
 * The next chunk after `after`, in sorting-key order: a bounded query that reads the key in
 * order and stops at `limit` rows. A copy of an event not folded yet by the ReplacingMergeTree
 * is read once (LIMIT 1 BY the key).
 */
export async function readChunk(
  target: OutputTarget,
  s: EventSelection,
  after: EventKey | null,
  limit: number,
): Promise<ProcessorEvent[]> {
  const db = checkedDatabase(target.database);
  const { where, params } = whereOf(s);
  const afterClause = after
    ? ' AND (event_type, source, event_id) > ({afterType:String}, {afterSource:String}, {afterId:String})'
    : '';
  const result = await target.client.query({
    query: `SELECT event_id, event_type, source, timestamp, user_id, received_at, data, metadata
FROM ${db}.events
WHERE ${where}${afterClause}
ORDER BY event_type, source, event_id
LIMIT 1 BY event_type, source, event_id
LIMIT {limit:UInt32}`,
    query_params: {
      ...params,
      limit,
      ...(after ? { afterType: after[0], afterSource: after[1], afterId: after[2] } : {}),
    },
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const rows = z.array(rowSchema).parse(await result.json());
  return rows.map((r) => ({ ...r, derived: {} }));
}

export function keyOf(e: ProcessorEvent): EventKey {
  return [e.event_type, e.source, e.event_id];
}
