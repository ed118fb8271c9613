import { selectRows, type QueryTarget } from '@tributary/clickhouse';
import { TributaryError, type DlqSelection } from '@tributary/contracts';
import { z } from 'zod';
import { filterSql, type FilterScope, type SqlPart } from './filter.ts';
import type { ReplayableEntry } from './reprocess.ts';
import { isoFromClickHouse } from './time.ts';

export interface StoredEntry extends ReplayableEntry {
  event_type: string | null;
  origin_topic: string | null;
}

const row = z.object({
  id: z.string(),
  event_id: z.string(),
  event_type: z.string().nullable(),
  payload: z.string(),
  payload_encoding: z.enum(['utf8', 'base64']),
  source: z.string().nullable(),
  write_key_id: z.string().nullable(),
  origin_topic: z.string().nullable(),
  attempts: z.coerce.number(),
  failed_s: z.string(),
  first_failed_s: z.string(),
});

const COLUMNS = `id, event_id, event_type, payload, payload_encoding, source, write_key_id, origin_topic,
  attempts, toString(failed_at) AS failed_s, toString(first_failed_at) AS first_failed_s`;

/**
 * The WHERE clause a selection stands for. An id selection must name existing entries only:
 * one that does not exist (or expired) refuses the whole action, so nothing is half done.
 */
export async function selectionSql(
  target: QueryTarget,
  selection: DlqSelection,
  upTo: Date,
  scope: FilterScope = {},
): Promise<SqlPart> {
  // A filter selection stands for exactly what the viewer's list shows for that filter.
  if (selection.kind === 'filter') return filterSql(selection.filter, { upTo, ...scope });
  const ids = [...new Set(selection.ids)];
  const found = await selectRows(
    target,
    `SELECT DISTINCT id FROM {db:Identifier}.dead_letters WHERE id IN {ids:Array(String)}`,
    { ids },
    z.object({ id: z.string() }),
  );
  const present = new Set(found.map((r) => r.id));
  const missing = ids.filter((id) => !present.has(id));
  if (missing.length > 0) {
    throw new TributaryError(
      'not_found',
      `${missing.length} of the selected entries no longer exist (expired or never stored): ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}. Nothing was done; refresh the list and select again.`,
      { missing },
    );
  }
  return { where: 'id IN {ids:Array(String)}', params: { ids } };
}

/**
 * Rows with a repeated id dropped, the first kept. Copies of one entry sort next to each other,
 * so this is cheaper than LIMIT 1 BY id in the query.
 */
export function uniqueById<T extends { id: string }>(rows: T[]): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.id) && seen.add(r.id));
}

/**
 * How many distinct entries match. A redelivered dead letter can be stored twice until a merge
 * folds it; FINAL folds the copies (they share the whole sorting key) and measured faster than
 * uniqExact(id) at a million rows (`npm run bench -- dlq`).
 */
export async function countSelected(target: QueryTarget, sql: SqlPart): Promise<number> {
  const [r] = await selectRows(
    target,
    `SELECT count() AS n FROM {db:Identifier}.dead_letters FINAL WHERE ${sql.where}`,
    sql.params,
    z.object({ n: z.coerce.number() }),
  );
  return r?.n ?? 0;
}

/**
 * The selected entries in pages, oldest first (a replay keeps the original order as far as it
 * can), by keyset so each page costs the same however deep the selection goes.
 */
export async function* selectedEntries(
  target: QueryTarget,
  sql: SqlPart,
  pageSize: number,
  limit = Infinity,
): AsyncGenerator<StoredEntry[]> {
  let after: { at: string; id: string } | null = null;
  let taken = 0;
  while (taken < limit) {
    const cursor: string = after ? ' AND (failed_at, id) > ({afterAt:DateTime64(3)}, {afterId:String})' : '';
    const rows: Array<z.infer<typeof row>> = await selectRows(
      target,
      `SELECT ${COLUMNS} FROM {db:Identifier}.dead_letters
       WHERE ${sql.where}${cursor}
       ORDER BY failed_at, id
       LIMIT {pageSize:UInt32}`,
      {
        ...sql.params,
        ...(after ? { afterAt: after.at, afterId: after.id } : {}),
        pageSize: Math.min(pageSize, limit - taken),
      },
      row,
    );
    if (rows.length === 0) return;
    const last: z.infer<typeof row> = rows.at(-1)!;
    after = { at: last.failed_s, id: last.id };
    const unique = uniqueById(rows);
    taken += unique.length;
    yield unique.map(({ failed_s, first_failed_s, ...r }) => ({
      ...r,
      failed_at: isoFromClickHouse(failed_s),
      first_failed_at: isoFromClickHouse(first_failed_s),
    }));
    // Judged on the raw rows: a page shortened only by repeats is not the last page.
    if (rows.length < pageSize) return;
  }
}
