import type { ClickHouseClient } from '@tributary/clickhouse';
import type { ProcessorEvent } from '@tributary/contracts';
import type { AggregateContribution } from '@tributary/pipeline';
import { insertProcessorOutput } from '@tributary/processors';
import type { RunningProcessor } from './processor-registry.ts';

/** What one processor produced from one batch, for its own table ('table' or 'aggregate' output). */
export type ProcessorOutputBlock =
  | { kind: 'table'; rows: ProcessorEvent[] }
  | { kind: 'aggregate'; contributions: AggregateContribution[] };

/**
 * Writes a processor's output block with a deduplication token: the same token again (a
 * redelivered batch) inserts nothing. Behind an interface so the stage does not depend on how
 * output tables are laid out (@tributary/processors owns them).
 */
export interface ProcessorOutputWriter {
  write(processor: RunningProcessor, block: ProcessorOutputBlock, token: string): Promise<void>;
}

export function clickhouseOutputWriter(
  clickhouse: ClickHouseClient,
  database: string,
): ProcessorOutputWriter {
  const target = { client: clickhouse, database };
  return {
    async write(p, block, token) {
      const batch = { processor: p.name, version: p.version, definition: p.definition, token };
      await insertProcessorOutput(
        target,
        block.kind === 'table'
          ? { ...batch, rows: block.rows }
          : { ...batch, contributions: block.contributions },
      );
    },
  };
}
