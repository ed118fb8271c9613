import type { QueryTarget } from '@tributary/clickhouse';
import type { ProcessorDefinition } from '@tributary/contracts';
import type { DefinitionError } from './check-definition.ts';
import { layoutOf, OutputTableError, planLayoutChange, readOutputLayout } from './tables/index.ts';

/**
 * Whether the output table could take this definition, judged from the table's stored layout
 * (read-only): a table of another processor, a changed window or column type. Publishing
 * would refuse the same (ensureProcessorTables); saying so when the version is written or
 * checked saves a version that can never go live. When ClickHouse cannot be asked, nothing is
 * said here: publishing checks again.
 */
export async function outputTableProblems(
  target: QueryTarget,
  processorName: string,
  definition: ProcessorDefinition,
): Promise<DefinitionError[]> {
  if (definition.output.kind === 'events') return [];
  try {
    const wanted = layoutOf(processorName, definition);
    if (!wanted) return [];
    const current = await readOutputLayout(target, definition.output.table);
    if (current) planLayoutChange(definition.output.table, current, wanted);
    return [];
  } catch (err) {
    if (err instanceof OutputTableError) return [{ path: 'output.table', message: err.message }];
    return [];
  }
}
