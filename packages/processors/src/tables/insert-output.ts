import { insertRows } from '@tributary/clickhouse';
import type { ProcessorDefinition, ProcessorEvent } from '@tributary/contracts';
import { layoutOf, OutputTableError, type OutputLayout } from './layout.ts';
import { checkedDatabase, outputTableNames, type OutputTarget } from './names.ts';
import { contributionRow, tableOutputRow, type AggregateContribution } from './output-rows.ts';

/** The row set live processing writes to; a backfill writes under its own (see docs/decisions/backfill.md). */
export const LIVE_RUN = '';

export interface ProcessorOutputBatch {
  processor: string;
  version: number;
  definition: ProcessorDefinition;
  /** For a 'table' output: the kept events. */
  rows?: readonly ProcessorEvent[];
  /** For an 'aggregate' output: the final aggregate step's contributions. */
  contributions?: readonly AggregateContribution[];
  /**
   * What identifies the batch, the same on every retry and redelivery, e.g.
   * `${processor}:${version}:${topic}:${partition}:${first}-${last}`. A second insert with the
   * same token changes nothing.
   */
  token: string;
  /** The aggregate row set (default: live). */
  run?: string;
}

const layouts = new WeakMap<ProcessorDefinition, OutputLayout | undefined>();

function cachedLayout(processor: string, definition: ProcessorDefinition): OutputLayout | undefined {
  if (!layouts.has(definition)) layouts.set(definition, layoutOf(processor, definition));
  return layouts.get(definition);
}

/**
 * Writes one batch of a processor's 'table' or 'aggregate' output, in one insert carrying the
 * batch's token. Resolves once durable: the caller may commit its offsets after it. The
 * 'events' output goes through the workers' events insert instead (eventsOutputColumns).
 */
export async function insertProcessorOutput(
  target: OutputTarget,
  batch: ProcessorOutputBatch,
): Promise<{ rows: number }> {
  const db = checkedDatabase(target.database);
  const { output } = batch.definition;
  if (output.kind === 'events') {
    throw new OutputTableError("the 'events' output is written with the events rows (eventsOutputColumns)");
  }
  const layout = cachedLayout(batch.processor, batch.definition);
  const names = outputTableNames(output.table);
  if (layout?.kind === 'table') {
    const rows = (batch.rows ?? []).map((e) => tableOutputRow(layout, batch.version, e));
    await insertRows(target.client, `${db}.${names.main}`, rows, { dedupToken: batch.token });
    return { rows: rows.length };
  }
  if (layout?.kind === 'aggregate') {
    const run = batch.run ?? LIVE_RUN;
    const rows = (batch.contributions ?? []).map((c) => contributionRow(layout, batch.version, run, c));
    await insertRows(target.client, `${db}.${names.input}`, rows, { dedupToken: batch.token });
    return { rows: rows.length };
  }
  throw new OutputTableError(`processor '${batch.processor}' has no output table`);
}
