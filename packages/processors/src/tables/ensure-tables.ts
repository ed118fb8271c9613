import type { ProcessorDefinition } from '@tributary/contracts';
import { z } from 'zod';
import {
  createAggregateSql,
  createTableOutputSql,
  migrateAggregateSql,
  migrateTableOutputSql,
} from './ddl.ts';
import {
  layoutOf,
  outputLayoutSchema,
  OutputTableError,
  planLayoutChange,
  type OutputLayout,
} from './layout.ts';
import { checkedDatabase, checkedIdentifier, outputTableNames, type OutputTarget } from './names.ts';

export interface EnsureResult {
  /** `proc_<table>`, or undefined for the 'events' output. */
  table?: string;
  action: 'none' | 'created' | 'migrated' | 'unchanged';
  /** Columns added by a migration. */
  added: string[];
}

/** The layout stored in an output table's comment, or undefined when the table does not exist. */
export async function readOutputLayout(
  target: OutputTarget,
  table: string,
): Promise<OutputLayout | undefined> {
  const db = checkedDatabase(target.database);
  const { main } = outputTableNames(table);
  const result = await target.client.query({
    query: 'SELECT comment FROM system.tables WHERE database = {db:String} AND name = {name:String}',
    query_params: { db, name: main },
    format: 'JSONEachRow',
  });
  const rows = z.array(z.object({ comment: z.string() })).parse(await result.json());
  const comment = rows[0]?.comment;
  if (comment === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(comment);
  } catch {
    throw new OutputTableError(
      `table ${db}.${main} exists but was not created by a processor (no layout in its comment)`,
    );
  }
  const parsed = outputLayoutSchema.safeParse(raw);
  if (!parsed.success) {
    throw new OutputTableError(`table ${db}.${main} has a layout this version of Tributary cannot read`);
  }
  return parsed.data;
}

/**
 * Creates a processor's output table, or migrates it for a new version: added columns and
 * measures become ALTER ADD COLUMN; a change that would give old and new rows different
 * meanings (group-by, window, a column's type, a measure's function) is refused with an
 * OutputTableError naming the change. Run it before a version goes live (the console does, at
 * publish, with its DDL client). Safe to repeat after a crash half way: every statement is
 * IF NOT EXISTS and the stored layout changes last.
 */
export async function ensureProcessorTables(
  target: OutputTarget,
  processorName: string,
  definition: ProcessorDefinition,
): Promise<EnsureResult> {
  const db = checkedDatabase(target.database);
  const processor = checkedIdentifier(processorName);
  const wanted = layoutOf(processor, definition);
  if (!wanted || definition.output.kind === 'events') return { action: 'none', added: [] };
  const table = definition.output.table;
  const { main } = outputTableNames(table);
  const run = async (statements: string[]) => {
    for (const query of statements) await target.client.command({ query });
  };

  const current = await readOutputLayout(target, table);
  if (!current) {
    await run(
      wanted.kind === 'table'
        ? [createTableOutputSql(db, table, wanted)]
        : createAggregateSql(db, table, wanted),
    );
    return { table: main, action: 'created', added: [] };
  }
  const { next, added } = planLayoutChange(table, current, wanted);
  if (added.length === 0 && JSON.stringify(next) === JSON.stringify(current)) {
    // A crash between creating the aggregate and its view leaves the view missing: recreate it.
    if (next.kind === 'aggregate') await run(createAggregateSql(db, table, next));
    return { table: main, action: 'unchanged', added: [] };
  }
  if (next.kind === 'aggregate') {
    await run(createAggregateSql(db, table, current as typeof next));
    await run(migrateAggregateSql(db, table, next, added));
  } else {
    await run(migrateTableOutputSql(db, table, next, added));
  }
  return { table: main, action: 'migrated', added };
}
