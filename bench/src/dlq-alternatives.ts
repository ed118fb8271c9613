import { performance } from 'node:perf_hooks';
import { migrate, selectRows, type QueryTarget } from '@tributary/clickhouse';
import type { DlqFilter } from '@tributary/contracts';
import { filterSql } from '@tributary/dlq';
import { z } from 'zod';
import type { Lister } from './dlq-queries.ts';

/**
 * Other ways to write the dead-letter list queries, timed beside the library's: the evidence for
 * the shape packages/dlq uses (docs/decisions/dead-letter-store.md). Found by timing variants: `LIMIT 1 BY id` in front of `ORDER BY … LIMIT n` makes ClickHouse
 * read and sort every matching row with all its columns (payload included), where a plain
 * `ORDER BY … LIMIT n` reads the sort columns, keeps the top n and fetches the rest for those
 * rows only; and `uniqExact(id)` hashes every id where `count()` reads nothing but marks.
 */

// Same columns, row shape and status lookup as packages/dlq/src/queries.ts.
const SUMMARY_COLUMNS = `id, event_id, stage, code, message, event_type, source, schema_version,
  toString(failed_at) AS failed_s, toString(first_failed_at) AS first_failed_s, attempts,
  payload, payload_encoding`;
const summaryRow = z.object({ id: z.string(), failed_s: z.string() }).passthrough();
const num = z.coerce.number();

export type CountMode = 'uniqExact' | 'count-final' | 'count';

const COUNT_SQL: Record<CountMode, string> = {
  uniqExact: 'SELECT uniqExact(id) AS n FROM {db:Identifier}.dead_letters',
  'count-final': 'SELECT count() AS n FROM {db:Identifier}.dead_letters FINAL',
  count: 'SELECT count() AS n FROM {db:Identifier}.dead_letters',
};

/**
 * listEntries with the page read by `ORDER BY failed_at DESC, id DESC LIMIT n+1`, with `LIMIT 1
 * BY id` in the query (`limitBy`, the earlier shape) or duplicates (an entry stored twice and not
 * merged yet) dropped here; the total counted as `count` says. Masking is left out (it is the
 * same for all and costs nothing measurable).
 */
export function alternativeLister(
  target: QueryTarget,
  shape: { limitBy: boolean; count: CountMode },
): Lister {
  const { count } = shape;
  return async (filter, cursor, limit) => {
    const page = filterSql(filter, { cursor });
    const all = filterSql(filter);
    const [rows, [total]] = await Promise.all([
      selectRows(
        target,
        `SELECT ${SUMMARY_COLUMNS} FROM {db:Identifier}.dead_letters
         WHERE ${page.where}
         ORDER BY failed_at DESC, id DESC
         ${shape.limitBy ? 'LIMIT 1 BY id' : ''}
         LIMIT {limit:UInt32}`,
        { ...page.params, limit: limit + 1 },
        summaryRow,
      ),
      selectRows(target, `${COUNT_SQL[count]} WHERE ${all.where}`, all.params, z.object({ n: num })),
    ]);
    const seen = new Set<string>();
    const unique = rows.filter((r) => !seen.has(r.id) && seen.add(r.id));
    const shown = unique.slice(0, limit);
    if (shown.length > 0) {
      await selectRows(
        target,
        `SELECT id, argMax(status, changed_at) AS status FROM {db:Identifier}.dead_letter_status
         WHERE id IN {ids:Array(String)} GROUP BY id`,
        { ids: shown.map((r) => r.id) },
        z.object({ id: z.string(), status: z.string() }),
      );
    }
    const last = shown.at(-1);
    return {
      shown: shown.length,
      total: total?.n ?? 0,
      nextCursor:
        rows.length > limit && last ? { failedAt: `${last.failed_s.replace(' ', 'T')}Z`, id: last.id } : null,
      firstAt: shown[0] ? `${shown[0].failed_s.replace(' ', 'T')}Z` : null,
    };
  };
}

/**
 * A copy of the store in `${database}_unmerged` inserted in ten slices with merges stopped: ~10
 * parts per daily partition, the state right after bursts of inserts, where FINAL has work to do.
 */
export async function unmergedCopy(source: QueryTarget): Promise<{ target: QueryTarget; parts: number }> {
  const database = `${source.database}_unmerged`;
  const { client } = source;
  await client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
  await migrate({ client, database });
  await client.command({ query: `SYSTEM STOP MERGES ${database}.dead_letters` });
  for (let k = 0; k < 10; k++) {
    await client.command({
      query: `INSERT INTO ${database}.dead_letters SELECT * FROM ${source.database}.dead_letters WHERE cityHash64(id) % 10 = ${k}`,
    });
  }
  await client.command({
    query: `INSERT INTO ${database}.dead_letter_status SELECT * FROM ${source.database}.dead_letter_status`,
  });
  const [p] = await selectRows(
    { client, database },
    `SELECT count() AS n FROM system.parts WHERE database = {db:String} AND table = 'dead_letters' AND active`,
    {},
    z.object({ n: num }),
  );
  return { target: { client, database }, parts: p?.n ?? 0 };
}

const passRow = z.object({ id: z.string(), failed_s: z.string() }).passthrough();

// Same columns as packages/dlq/src/entries.ts (what a replay reads per entry).
const REPLAY_COLUMNS = `id, event_id, event_type, payload, payload_encoding, source, write_key_id, origin_topic,
  attempts, toString(failed_at) AS failed_s, toString(first_failed_at) AS first_failed_s`;

/**
 * One pass over a replay's selection in pages, oldest first by keyset, as selectedEntries reads
 * it (a plain `ORDER BY … LIMIT`) or with `LIMIT 1 BY id` (`limitBy`, the earlier shape).
 * Returns the wall time spent reading and how many entries were read.
 */
export async function selectionPass(
  target: QueryTarget,
  filter: DlqFilter,
  pageSize: number,
  limitBy: boolean,
): Promise<{ ms: number; entries: number; pages: number }> {
  const sql = filterSql(filter, { upTo: new Date() });
  let after: { at: string; id: string } | null = null;
  let entries = 0;
  let pages = 0;
  const t0 = performance.now();
  for (;;) {
    const cursor: string = after ? ' AND (failed_at, id) > ({afterAt:DateTime64(3)}, {afterId:String})' : '';
    const rows: Array<z.infer<typeof passRow>> = await selectRows(
      target,
      `SELECT ${REPLAY_COLUMNS} FROM {db:Identifier}.dead_letters
       WHERE ${sql.where}${cursor}
       ORDER BY failed_at, id
       ${limitBy ? 'LIMIT 1 BY id' : ''}
       LIMIT {pageSize:UInt32}`,
      { ...sql.params, ...(after ? { afterAt: after.at, afterId: after.id } : {}), pageSize },
      passRow,
    );
    pages++;
    entries += new Set(rows.map((r) => r.id)).size;
    const last: z.infer<typeof passRow> | undefined = rows.at(-1);
    if (!last || rows.length < pageSize) break;
    after = { at: last.failed_s, id: last.id };
  }
  return { ms: performance.now() - t0, entries, pages };
}
