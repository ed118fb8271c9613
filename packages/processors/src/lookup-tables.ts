import { identifierSchema, TributaryError } from '@tributary/contracts';
import { enqueueControl } from '@tributary/control';
import { writeAudit, type Db } from '@tributary/db';
import { LOOKUP_LIMITS, parseLookupCsv } from '@tributary/pipeline';
import { storedRowsOf } from './lookup-data.ts';
import { isUniqueViolation, TX_OPTIONS, type ActorOptions } from './processors.ts';

/**
 * Bounds of one upload, the parser's own (every worker holds the table in memory): checked here
 * first so an oversized upload is a 413 before it is parsed.
 */
export const MAX_LOOKUP_CSV_BYTES = LOOKUP_LIMITS.maxBytes;
export const MAX_LOOKUP_ROWS = LOOKUP_LIMITS.maxRows;
const SHOWN_IN_MESSAGE = 3;

export interface LookupVersionView {
  version: number;
  keyColumn: string;
  columns: string[];
  rowCount: number;
  createdAt: Date;
  createdBy: string;
}

export interface LookupTableView {
  name: string;
  lastVersion: number;
  createdAt: Date;
  createdBy: string;
  /** The version enrich_lookup steps use (the newest); null before the first upload completed. */
  latest: LookupVersionView | null;
}

function versionView(v: {
  version: number;
  keyColumn: string;
  columns: unknown;
  rowCount: number;
  createdAt: Date;
  createdBy: string;
}): LookupVersionView {
  return {
    version: v.version,
    keyColumn: v.keyColumn,
    columns: Array.isArray(v.columns) ? v.columns.map(String) : [],
    rowCount: v.rowCount,
    createdAt: v.createdAt,
    createdBy: v.createdBy,
  };
}

/**
 * Stores a CSV as the table's next version (creating the table on first upload), once every row
 * parses: a file with broken rows is refused whole, each broken row named by its line number,
 * and nothing is stored. The newest version is what processors join; workers re-read it when
 * the `lookup_table` hint written in the same transaction reaches them.
 */
export async function uploadLookupTable(
  db: Db,
  input: { name: string; keyColumn: string; csv: string },
  opts: ActorOptions,
): Promise<LookupVersionView> {
  const name = identifierSchema.safeParse(input.name);
  if (!name.success) {
    throw new TributaryError(
      'bad_request',
      `lookup table name ${JSON.stringify(input.name)} is not valid: ${name.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
  const bytes = Buffer.byteLength(input.csv, 'utf8');
  if (bytes > MAX_LOOKUP_CSV_BYTES) {
    throw new TributaryError(
      'payload_too_large',
      `the CSV is ${bytes} bytes; a lookup table may have at most ${MAX_LOOKUP_CSV_BYTES} bytes`,
      { limit: MAX_LOOKUP_CSV_BYTES },
    );
  }
  if (input.keyColumn.trim() === '') throw new TributaryError('bad_request', 'name the key column');
  if (input.csv.trim() === '') throw new TributaryError('bad_request', 'the CSV is empty');
  const existing = await db.lookupTable.findUnique({
    where: { name: input.name },
    select: { lastVersion: true },
  });
  const parsed = parseLookupCsv(input.name, (existing?.lastVersion ?? 0) + 1, input.csv, input.keyColumn);
  if (!parsed.ok) {
    const shown = parsed.errors.slice(0, SHOWN_IN_MESSAGE).map((e) => `line ${e.line}: ${e.message}`);
    const more =
      parsed.errors.length > SHOWN_IN_MESSAGE ? ` (and ${parsed.errors.length - SHOWN_IN_MESSAGE} more)` : '';
    const count = parsed.errors.length === 1 ? 'a broken row' : `${parsed.errors.length} broken rows`;
    throw new TributaryError(
      'bad_request',
      `the CSV was not stored: it has ${count} — ${shown.join('; ')}${more}`,
      { errors: parsed.errors },
    );
  }
  const table = parsed.table;
  if (table.rows.size > MAX_LOOKUP_ROWS) {
    throw new TributaryError(
      'payload_too_large',
      `the CSV has ${table.rows.size} rows; a lookup table may have at most ${MAX_LOOKUP_ROWS}`,
      { limit: MAX_LOOKUP_ROWS },
    );
  }
  const attempt = () =>
    db.$transaction(async (tx) => {
      let row = await tx.lookupTable.findUnique({ where: { name: input.name } });
      if (!row) {
        row = await tx.lookupTable.create({ data: { name: input.name, createdBy: opts.actor } });
        await writeAudit(tx, {
          actor: opts.actor,
          action: 'lookup_table.create',
          entity: 'lookup_table',
          entityId: row.id,
          after: { name: row.name },
        });
      }
      // The increment takes the row lock: concurrent uploads get distinct version numbers.
      const { lastVersion } = await tx.lookupTable.update({
        where: { id: row.id },
        data: { lastVersion: { increment: 1 } },
      });
      const created = await tx.lookupTableVersion.create({
        data: {
          tableId: row.id,
          version: lastVersion,
          keyColumn: table.keyColumn,
          columns: table.columns,
          rows: storedRowsOf(table),
          rowCount: table.rows.size,
          createdBy: opts.actor,
        },
      });
      const view = versionView(created);
      await writeAudit(tx, {
        actor: opts.actor,
        action: 'lookup_table_version.create',
        entity: 'lookup_table_version',
        entityId: created.id,
        // The rows themselves stay in the version; the audit row says what changed and how much.
        after: {
          table: input.name,
          version: view.version,
          keyColumn: view.keyColumn,
          columns: view.columns,
          rowCount: view.rowCount,
          bytes,
        },
      });
      await enqueueControl(tx, [{ kind: 'lookup_table', name: input.name }]);
      return view;
    }, TX_OPTIONS);
  try {
    return await attempt();
  } catch (err) {
    // Two first uploads of one new table race on its unique name; the loser retries as a new version.
    if (isUniqueViolation(err)) return attempt();
    throw err;
  }
}

export async function listLookupTables(db: Db): Promise<LookupTableView[]> {
  const rows = await db.lookupTable.findMany({
    orderBy: { name: 'asc' },
    include: {
      versions: {
        orderBy: { version: 'desc' },
        take: 1,
        select: {
          version: true,
          keyColumn: true,
          columns: true,
          rowCount: true,
          createdAt: true,
          createdBy: true,
        },
      },
    },
  });
  return rows.map((r) => ({
    name: r.name,
    lastVersion: r.lastVersion,
    createdAt: r.createdAt,
    createdBy: r.createdBy,
    latest: r.versions[0] ? versionView(r.versions[0]) : null,
  }));
}

/** Every version of a table, newest first (without their rows). */
export async function listLookupVersions(db: Db, name: string): Promise<LookupVersionView[]> {
  const row = await db.lookupTable.findUnique({
    where: { name },
    include: {
      versions: {
        orderBy: { version: 'desc' },
        select: {
          version: true,
          keyColumn: true,
          columns: true,
          rowCount: true,
          createdAt: true,
          createdBy: true,
        },
      },
    },
  });
  if (!row) throw new TributaryError('not_found', `no lookup table ${JSON.stringify(name)}`);
  return row.versions.map(versionView);
}
