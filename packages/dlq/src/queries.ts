import { selectRows, type QueryTarget } from '@tributary/clickhouse';
import {
  deadLetterStages,
  TributaryError,
  type DlqCursor,
  type DlqEntry,
  type DlqEntrySummary,
  type DlqFilter,
  type DlqGroup,
  type DlqPage,
  type DeadLetterStatus,
} from '@tributary/contracts';
import { z } from 'zod';
import { explainCode } from './explain.ts';
import { countSelected, uniqueById } from './entries.ts';
import { filterSql, settledIdsSql, type FilterScope } from './filter.ts';
import { maskPii } from './mask.ts';
import { isoFromClickHouse } from './time.ts';

const num = z.coerce.number();
const nullableNum = z.union([z.null(), num]);
const stage = z.enum(deadLetterStages);

/** How the console treats pii-tagged fields for the current viewer. */
export interface PiiView {
  /** pii paths per event type. */
  paths: Map<string, string[]>;
  /** The viewer may see pii values. */
  reveal: boolean;
}

/** The paths whose values this viewer's text search must not look into (see FilterScope). */
export function scopeFor(pii: PiiView): FilterScope {
  if (pii.reveal) return {};
  return { maskedPaths: new Map([...pii.paths].filter(([, paths]) => paths.length > 0)) };
}

/** The event types of a search whose pii values were left out, for the list to say so. */
function maskedTypesOf(filter: DlqFilter, scope: FilterScope): string[] {
  if (!filter.text) return [];
  const types = [...(scope.maskedPaths?.keys() ?? [])];
  return filter.eventType ? types.filter((t) => t === filter.eventType) : types.sort();
}

const PREVIEW_CHARS = 240;

const summaryRow = z.object({
  id: z.string(),
  event_id: z.string(),
  stage,
  code: z.string(),
  message: z.string(),
  event_type: z.string().nullable(),
  source: z.string().nullable(),
  schema_version: nullableNum,
  failed_s: z.string(),
  first_failed_s: z.string(),
  attempts: num,
  payload: z.string(),
  payload_encoding: z.enum(['utf8', 'base64']),
});

const SUMMARY_COLUMNS = `id, event_id, stage, code, message, event_type, source, schema_version,
  toString(failed_at) AS failed_s, toString(first_failed_at) AS first_failed_s, attempts,
  payload, payload_encoding`;

/** One page of entries matching a filter, newest first, plus how many match in all. */
export async function listEntries(
  target: QueryTarget,
  input: { filter: DlqFilter; cursor?: DlqCursor | null; limit: number },
  pii: PiiView,
): Promise<DlqPage> {
  const scope = scopeFor(pii);
  const page = filterSql(input.filter, { cursor: input.cursor, ...scope });
  const all = filterSql(input.filter, scope);
  const [rows, count] = await Promise.all([
    selectRows(
      target,
      `SELECT ${SUMMARY_COLUMNS} FROM {db:Identifier}.dead_letters
       WHERE ${page.where}
       ORDER BY failed_at DESC, id DESC
       LIMIT {limit:UInt32}`,
      { ...page.params, limit: input.limit + 1 },
      summaryRow,
    ),
    countSelected(target, all),
  ]);
  // A redelivered dead letter can be stored twice until a merge folds it; the copies sort next
  // to each other, so dropping repeats here is cheaper than LIMIT 1 BY in the query (bench: dlq).
  const shown = uniqueById(rows).slice(0, input.limit);
  const statuses = await statusesOf(
    target,
    shown.map((r) => r.id),
  );
  const last = shown.at(-1);
  return {
    entries: shown.map((r) => toSummary(r, statuses.get(r.id) ?? 'pending', pii)),
    nextCursor:
      rows.length > input.limit && last ? { failedAt: isoFromClickHouse(last.failed_s), id: last.id } : null,
    total: count,
    textSkippedTypes: maskedTypesOf(input.filter, scope),
  };
}

function toSummary(r: z.infer<typeof summaryRow>, status: DeadLetterStatus, pii: PiiView): DlqEntrySummary {
  const { payload, payload_encoding: _encoding, failed_s, first_failed_s, ...rest } = r;
  const shown = maskedPayload(payload, r.event_type, pii);
  return {
    ...rest,
    failed_at: isoFromClickHouse(failed_s),
    first_failed_at: isoFromClickHouse(first_failed_s),
    status,
    payload_preview:
      shown.text.length > PREVIEW_CHARS ? `${shown.text.slice(0, PREVIEW_CHARS)}…` : shown.text,
  };
}

/**
 * The payload as the viewer may see it. A payload with pii paths that is not JSON cannot be
 * masked field by field, so it is withheld whole unless the viewer may see pii.
 */
function maskedPayload(
  payload: string,
  eventType: string | null,
  pii: PiiView,
): { text: string; pretty: string; masked: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    parsed = undefined;
  }
  const paths = (eventType && pii.paths.get(eventType)) || [];
  if (pii.reveal || paths.length === 0) {
    return {
      text: payload,
      pretty: parsed === undefined ? payload : JSON.stringify(parsed, null, 2),
      masked: [],
    };
  }
  if (parsed === undefined)
    return { text: '(withheld: may contain pii)', pretty: '(withheld: may contain pii)', masked: ['*'] };
  const m = maskPii(parsed, paths);
  return { text: JSON.stringify(m.value), pretty: JSON.stringify(m.value, null, 2), masked: m.masked };
}

/** Latest status per id (absent = pending). */
async function statusesOf(target: QueryTarget, ids: string[]): Promise<Map<string, DeadLetterStatus>> {
  if (ids.length === 0) return new Map();
  const rows = await selectRows(
    target,
    `SELECT id, argMax(status, changed_at) AS status FROM {db:Identifier}.dead_letter_status
     WHERE id IN {ids:Array(String)} GROUP BY id`,
    { ids },
    z.object({ id: z.string(), status: z.enum(['pending', 'replayed', 'discarded']) }),
  );
  return new Map(rows.map((r) => [r.id, r.status]));
}

export const SPARKLINE_BUCKETS = 24;
const MAX_GROUPS = 100;

/**
 * Failures grouped by error code and reason, largest first, with a sparkline over the filter's
 * time range (or the last `defaultSpanMs` when it has no start).
 */
export async function listGroups(
  target: QueryTarget,
  filter: DlqFilter,
  opts: { now?: number; defaultSpanMs?: number } & FilterScope = {},
): Promise<{ groups: DlqGroup[]; from: string; to: string }> {
  const now = opts.now ?? Date.now();
  const to = filter.to ? Date.parse(filter.to) : now;
  const from = filter.from ? Date.parse(filter.from) : to - (opts.defaultSpanMs ?? 14 * 86_400_000);
  const stepMs = Math.max(1, Math.ceil((to - from) / SPARKLINE_BUCKETS));
  const { where, params } = filterSql(filter, { maskedPaths: opts.maskedPaths });
  const rows = await selectRows(
    target,
    `SELECT code, message, groupUniqArray(stage) AS stages, count() AS n,
       countIf(id NOT IN (${settledIdsSql})) AS pending,
       toString(min(failed_at)) AS first_seen, toString(max(failed_at)) AS last_seen,
       sumMap([toUInt16(greatest(0, least({buckets:Int64} - 1,
         intDiv(toUnixTimestamp64Milli(failed_at) - {fromMs:Int64}, {stepMs:Int64}))))], [toUInt64(1)]) AS spark
     FROM {db:Identifier}.dead_letters
     WHERE ${where}
     GROUP BY code, message
     ORDER BY n DESC, code, message
     LIMIT {maxGroups:UInt32}`,
    { ...params, fromMs: from, stepMs, buckets: SPARKLINE_BUCKETS, maxGroups: MAX_GROUPS },
    z.object({
      code: z.string(),
      message: z.string(),
      stages: z.array(z.string()),
      n: num,
      pending: num,
      first_seen: z.string(),
      last_seen: z.string(),
      spark: z.tuple([z.array(num), z.array(num)]),
    }),
  );
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    groups: rows.map((r) => {
      const sparkline = new Array<number>(SPARKLINE_BUCKETS).fill(0);
      r.spark[0].forEach((bucket, i) => (sparkline[bucket] = r.spark[1][i] ?? 0));
      return {
        code: r.code,
        message: r.message,
        stages: r.stages.sort(),
        count: r.n,
        pending: r.pending,
        firstSeen: isoFromClickHouse(r.first_seen),
        lastSeen: isoFromClickHouse(r.last_seen),
        sparkline,
      };
    }),
  };
}

/** One entry with everything the detail view shows, or not_found. */
export async function getEntry(target: QueryTarget, id: string, pii: PiiView): Promise<DlqEntry> {
  const [row] = await selectRows(
    target,
    `SELECT ${SUMMARY_COLUMNS}, details, write_key_id, origin_topic, origin_partition, origin_offset, replay_of
     FROM {db:Identifier}.dead_letters WHERE id = {id:String} LIMIT 1`,
    { id },
    summaryRow.extend({
      details: z.string(),
      write_key_id: z.string().nullable(),
      origin_topic: z.string().nullable(),
      origin_partition: nullableNum,
      origin_offset: z.string().nullable(),
      replay_of: z.string(),
    }),
  );
  if (!row) throw new TributaryError('not_found', `dead-letter entry ${id} does not exist (or has expired)`);
  const history = await selectRows(
    target,
    `SELECT status, toString(changed_at) AS at, actor, reason, replay_id FROM {db:Identifier}.dead_letter_status
     WHERE id = {id:String} ORDER BY changed_at`,
    { id },
    z.object({
      status: z.enum(['pending', 'replayed', 'discarded']),
      at: z.string(),
      actor: z.string(),
      reason: z.string(),
      replay_id: z.string(),
    }),
  );
  const shown = maskedPayload(row.payload, row.event_type, pii);
  const summary = toSummary(row, history.at(-1)?.status ?? 'pending', pii);
  return {
    ...summary,
    details: parseDetails(row.details),
    // NOTE: the original bytes only when nothing had to be masked; otherwise the masked JSON.
    payload: shown.masked.length > 0 ? shown.text : row.payload,
    payload_encoding: row.payload_encoding,
    payload_pretty: shown.pretty,
    masked_fields: shown.masked,
    write_key_id: row.write_key_id,
    origin_topic: row.origin_topic,
    origin_partition: row.origin_partition,
    origin_offset: row.origin_offset,
    replay_of: row.replay_of === '' ? null : row.replay_of,
    explanation: explainCode(row.code),
    history: [
      { status: 'pending', at: summary.failed_at, actor: 'pipeline', reason: row.message, replayId: '' },
      ...history.map((h) => ({
        status: h.status,
        at: isoFromClickHouse(h.at),
        actor: h.actor,
        reason: h.reason,
        replayId: h.replay_id,
      })),
    ],
  };
}

function parseDetails(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
