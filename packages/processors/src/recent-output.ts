import { checkedDatabase, outputTableNames } from './tables/names.ts';
import { LIVE_RUN } from './tables/insert-output.ts';
import { readAggregate, type AggregateRow } from './tables/read-aggregate.ts';
import type { ProcessorDefinition } from '@tributary/contracts';
import { toDateTime64, type QueryTarget } from '@tributary/clickhouse';
import type { Db } from '@tributary/db';
import { z } from 'zod';
import { loadPiiFields } from './pii-fields.ts';
import { PII_MASK } from './pii-mask.ts';
import { getProcessor } from './processors.ts';

/** How far back the console's output panel looks. */
export const RECENT_OUTPUT_MINUTES = 60;
/** Newest aggregate windows shown (groups × windows). */
export const RECENT_OUTPUT_ROWS = 50;

export interface OutputByVersion {
  version: number;
  /** Rows stored in the last hour: events or table rows; for an aggregate, distinct windows. */
  rows: number;
  /** Epoch ms of the newest insert. */
  lastInsertedAt: number | null;
}

export interface RecentOutput {
  kind: ProcessorDefinition['output']['kind'];
  /** What a client queries: `events`, or `proc_<table>`. */
  table: string;
  minutes: number;
  byVersion: OutputByVersion[];
  /** Aggregate outputs: the newest windows' final values (merged over versions), newest first. */
  windows: AggregateRow[];
  /** Group values of pii fields not hashed by the processor were masked for this caller. */
  piiMasked: boolean;
}

const byVersionRows = z.array(
  z.object({
    version: z.coerce.number(),
    rows: z.coerce.number(),
    last: z.coerce.number().nullable(),
  }),
);

/**
 * What a processor's active (or last) version has written lately, read back from ClickHouse the
 * way any client would: the console shows its table filling and which versions wrote it. Reads
 * go through the caller's bounded target; every query has a LIMIT.
 */
export async function recentOutput(
  deps: { db: Db; clickhouse: QueryTarget },
  name: string,
  opts: { revealPii: boolean; now?: number },
): Promise<RecentOutput> {
  const processor = await getProcessor(deps.db, name);
  const versionNumber = processor.activeVersion ?? processor.lastVersion;
  const version = processor.versions.find((v) => v.version === versionNumber);
  const definition = version?.definition;
  const now = opts.now ?? Date.now();
  const from = now - RECENT_OUTPUT_MINUTES * 60_000;
  const db = checkedDatabase(deps.clickhouse.database);
  if (!definition) {
    return {
      kind: 'events',
      table: 'events',
      minutes: RECENT_OUTPUT_MINUTES,
      byVersion: [],
      windows: [],
      piiMasked: false,
    };
  }
  const output = definition.output;
  const table = output.kind === 'events' ? 'events' : outputTableNames(output.table).main;
  const byVersionQuery =
    output.kind === 'events'
      ? `SELECT processor_version AS version, count() AS rows, toUnixTimestamp64Milli(max(inserted_at)) AS last
         FROM ${db}.events WHERE processor = {name:String} AND inserted_at >= {from:DateTime64(3, 'UTC')}
         GROUP BY version ORDER BY version LIMIT 1000`
      : output.kind === 'table'
        ? `SELECT processor_version AS version, count() AS rows, toUnixTimestamp64Milli(max(inserted_at)) AS last
           FROM ${db}.${table} WHERE inserted_at >= {from:DateTime64(3, 'UTC')}
           GROUP BY version ORDER BY version LIMIT 1000`
        : // The aggregate table keeps merged states only; its input log has when each part came.
          `SELECT processor_version AS version, uniqExact(window_start) AS rows, toUnixTimestamp(max(inserted_at)) * 1000 AS last
           FROM ${db}.${outputTableNames(output.table).input}
           WHERE run = {run:String} AND inserted_at >= toDateTime({from:DateTime64(3, 'UTC')})
           GROUP BY version ORDER BY version LIMIT 1000`;
  const rs = await deps.clickhouse.client.query({
    query: byVersionQuery,
    query_params: { name, run: LIVE_RUN, from: toDateTime64(from) },
    format: 'JSONEachRow',
  });
  const byVersion = byVersionRows.parse(await rs.json()).map((r) => ({
    version: r.version,
    rows: r.rows,
    lastInsertedAt: r.last,
  }));

  let windows: AggregateRow[] = [];
  let piiMasked = false;
  if (output.kind === 'aggregate') {
    const rows = await readAggregate({ client: deps.clickhouse.client, database: db }, output.table, {
      from,
      to: now + 60_000,
      limit: 10_000,
    });
    windows = rows.sort((a, b) => b.windowStart - a.windowStart).slice(0, RECENT_OUTPUT_ROWS);
    const masked = opts.revealPii ? [] : await unhashedPiiGroups(deps.db, definition);
    if (masked.length > 0) {
      piiMasked = true;
      windows = windows.map((w) => ({
        ...w,
        groups: Object.fromEntries(
          Object.entries(w.groups).map(([k, v]) => [k, masked.includes(k) ? PII_MASK : v]),
        ),
      }));
    }
  }
  return { kind: output.kind, table, minutes: RECENT_OUTPUT_MINUTES, byVersion, windows, piiMasked };
}

/**
 * The aggregate's group names whose field is pii in one of the inputs' schemas when no pii_hash
 * step ran before the aggregate (that step hashes every tagged field: a hash is safe to show).
 */
async function unhashedPiiGroups(db: Db, definition: ProcessorDefinition): Promise<string[]> {
  const aggregate = definition.steps.at(-1);
  if (aggregate?.kind !== 'aggregate') return [];
  const pii = await loadPiiFields(db);
  const types = definition.inputs.eventTypes.length > 0 ? definition.inputs.eventTypes : [...pii.keys()];
  const sensitive = new Set(types.flatMap((t) => pii.get(t) ?? []));
  if (definition.steps.some((s) => s.kind === 'pii_hash')) return [];
  return aggregate.groupBy.filter((g) => sensitive.has(g.field)).map((g) => g.name);
}
