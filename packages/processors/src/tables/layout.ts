import {
  aggregateFunctions,
  columnTypes,
  identifierSchema,
  readablePathSchema,
  TributaryError,
  windowSchema,
  type ProcessorDefinition,
} from '@tributary/contracts';
import { z } from 'zod';
import { aggregateFixedColumns, measureInputColumn, tableOutputFixedColumns } from './names.ts';

/**
 * What an output table holds, written into the table's COMMENT when the platform creates or
 * migrates it. Comparing the stored layout with a new version's tells which changes are
 * additive (ALTER ADD COLUMN) and which would mix rows that mean different things.
 */
export const tableLayoutSchema = z.object({
  format: z.literal(1),
  kind: z.literal('table'),
  processor: identifierSchema,
  columns: z.array(
    z.object({ name: identifierSchema, field: readablePathSchema, type: z.enum(columnTypes) }),
  ),
});

export const aggregateLayoutSchema = z.object({
  format: z.literal(1),
  kind: z.literal('aggregate'),
  processor: identifierSchema,
  window: windowSchema,
  groupBy: z.array(z.object({ name: identifierSchema, field: readablePathSchema })),
  measures: z.array(
    z.object({
      name: identifierSchema,
      fn: z.enum(aggregateFunctions),
      field: readablePathSchema.optional(),
      levels: z.array(z.number()).optional(),
    }),
  ),
});

export const outputLayoutSchema = z.discriminatedUnion('kind', [tableLayoutSchema, aggregateLayoutSchema]);
export type TableLayout = z.infer<typeof tableLayoutSchema>;
export type AggregateLayout = z.infer<typeof aggregateLayoutSchema>;
export type OutputLayout = z.infer<typeof outputLayoutSchema>;

/**
 * A definition the platform cannot write, or a change it refuses to apply to an existing table:
 * a bad request (the console and the API show the message as it is).
 */
export class OutputTableError extends TributaryError {
  constructor(message: string) {
    super('bad_request', message);
  }
}

function refuseDuplicates(names: string[], where: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new OutputTableError(`${where}: the name '${n}' is used twice`);
    seen.add(n);
  }
}

/** The layout a definition asks for, or undefined for the 'events' output (no table of its own). */
export function layoutOf(processor: string, definition: ProcessorDefinition): OutputLayout | undefined {
  const { output } = definition;
  if (output.kind === 'events') return undefined;
  if (output.kind === 'table') {
    const names = output.columns.map((c) => c.name);
    for (const n of names) {
      if ((tableOutputFixedColumns as readonly string[]).includes(n)) {
        throw new OutputTableError(`column '${n}' is one the platform adds to every table output; rename it`);
      }
    }
    refuseDuplicates(names, `output table '${output.table}'`);
    return { format: 1, kind: 'table', processor, columns: output.columns };
  }
  const last = definition.steps.at(-1);
  if (last?.kind !== 'aggregate') {
    throw new OutputTableError("an 'aggregate' output needs an aggregate step as the last step");
  }
  const groupNames = last.groupBy.map((g) => g.name);
  const measureNames = last.measures.map((m) => m.name);
  for (const n of [...groupNames, ...measureNames]) {
    if ((aggregateFixedColumns as readonly string[]).includes(n)) {
      throw new OutputTableError(`'${n}' is a column the platform adds to every aggregate table; rename it`);
    }
  }
  // The input log holds group columns beside m_<measure> columns: both sets must be unique.
  refuseDuplicates([...groupNames, ...measureNames], `aggregate table '${output.table}'`);
  refuseDuplicates(
    [...groupNames, ...last.measures.filter((m) => m.fn !== 'count').map((m) => measureInputColumn(m.name))],
    `aggregate table '${output.table}' (its input log)`,
  );
  for (const m of last.measures) {
    if (m.fn !== 'count' && !m.field)
      throw new OutputTableError(`measure '${m.name}' (${m.fn}) needs a field`);
    if (m.fn === 'quantiles' && !m.levels?.length) {
      throw new OutputTableError(`measure '${m.name}' (quantiles) needs levels, e.g. [0.5, 0.9, 0.99]`);
    }
  }
  return {
    format: 1,
    kind: 'aggregate',
    processor,
    window: last.window,
    groupBy: last.groupBy,
    measures: last.measures.map((m) => ({
      name: m.name,
      fn: m.fn,
      ...(m.field !== undefined && m.fn !== 'count' ? { field: m.field } : {}),
      ...(m.fn === 'quantiles' && m.levels ? { levels: m.levels } : {}),
    })),
  };
}

export interface LayoutChange {
  /** The layout to store: the old one with the additions (nothing is ever removed from a table). */
  next: OutputLayout;
  /** Columns to add, in order. */
  added: string[];
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * What it takes to move an existing table to a new version's layout. Additive changes are
 * fine; a change that would give old and new rows different meanings is refused with its reason.
 */
export function planLayoutChange(table: string, current: OutputLayout, wanted: OutputLayout): LayoutChange {
  const refuse = (change: string): never => {
    throw new OutputTableError(
      `output table '${table}' cannot take this version: ${change}. Write to a new table name instead (e.g. '${table}_v2').`,
    );
  };
  if (current.processor !== wanted.processor) {
    refuse(`it belongs to processor '${current.processor}'`);
  }
  if (current.kind !== wanted.kind)
    refuse(`it is a '${current.kind}' output, this version writes '${wanted.kind}'`);
  if (current.kind === 'table' && wanted.kind === 'table') {
    const added: string[] = [];
    const columns = current.columns.map((c) => ({ ...c }));
    for (const col of wanted.columns) {
      const old = columns.find((c) => c.name === col.name);
      if (!old) {
        columns.push(col);
        added.push(col.name);
      } else if (old.type !== col.type) {
        refuse(`column '${col.name}' changes type from ${old.type} to ${col.type}`);
      } else {
        // Same column, possibly read from another field: the newest version's source is recorded.
        old.field = col.field;
      }
    }
    return { next: { ...current, columns }, added };
  }
  if (current.kind === 'aggregate' && wanted.kind === 'aggregate') {
    if (!sameJson(current.window, wanted.window)) {
      refuse(`the window changes from ${JSON.stringify(current.window)} to ${JSON.stringify(wanted.window)}`);
    }
    if (!sameJson(current.groupBy, wanted.groupBy)) {
      refuse(
        `the group-by changes from [${current.groupBy.map((g) => `${g.name}=${g.field}`).join(', ')}] to [${wanted.groupBy.map((g) => `${g.name}=${g.field}`).join(', ')}]`,
      );
    }
    const added: string[] = [];
    const measures = [...current.measures];
    for (const m of wanted.measures) {
      const old = measures.find((o) => o.name === m.name);
      if (!old) {
        measures.push(m);
        added.push(m.name);
      } else if (!sameJson(old, m)) {
        refuse(`measure '${m.name}' changes from ${describeMeasure(old)} to ${describeMeasure(m)}`);
      }
    }
    for (const old of current.measures) {
      if (!wanted.measures.some((m) => m.name === old.name)) {
        // Its state column would keep counting (count needs no field): keep the measure instead.
        refuse(`measure '${old.name}' is removed (an aggregate table keeps its measures)`);
      }
    }
    return { next: { ...current, measures }, added };
  }
  return refuse('the output kind changes');
}

function describeMeasure(m: AggregateLayout['measures'][number]): string {
  const levels = m.levels ? `(${m.levels.join(', ')})` : '';
  return `${m.fn}${levels}${m.field ? ` of ${m.field}` : ''}`;
}
