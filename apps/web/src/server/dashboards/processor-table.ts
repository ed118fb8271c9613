import type { ProcessorTable } from '@tributary/analytics';
import type { QueryTarget } from '@tributary/clickhouse';
import { TributaryError } from '@tributary/contracts';
import type { Db } from '@tributary/db';
import { getProcessor, outputTableNames } from '@tributary/processors';
import { z } from 'zod';

const columnRow = z.object({ name: z.string(), type: z.string() });

/**
 * A processor's output table as a panel source: the processor must exist and its running (or
 * newest) version write a 'table' output; the columns are read from ClickHouse now, so a column a
 * later version dropped, or a table never created, is named in the panel's error.
 */
export async function processorTable(
  db: Db,
  clickhouse: QueryTarget,
  processor: string,
): Promise<ProcessorTable> {
  const detail = await getProcessor(db, processor).catch((err: unknown) => {
    if (err instanceof TributaryError && err.code === 'not_found') {
      throw new TributaryError(
        'not_found',
        `processor ${processor} does not exist (any more): choose another source`,
      );
    }
    throw err;
  });
  const number = detail.activeVersion ?? detail.lastVersion;
  const version = detail.versions.find((v) => v.version === number);
  if (!version) {
    throw new TributaryError(
      'bad_request',
      `processor ${processor} has no version yet: save and publish one first`,
    );
  }
  const output = version.definition.output;
  if (output.kind !== 'table') {
    throw new TributaryError(
      'bad_request',
      `processor ${processor} (version ${number}) writes ${output.kind === 'events' ? 'to the events table' : 'an aggregate'}, not a table of its own: a panel reads processors with a 'table' output (or the events source)`,
    );
  }
  const name = outputTableNames(output.table).main;
  const rs = await clickhouse.client.query({
    query: `SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {t:String} ORDER BY position`,
    query_params: { db: clickhouse.database, t: name },
    format: 'JSONEachRow',
    clickhouse_settings: { max_execution_time: 10 },
  });
  const columns = z.array(columnRow).parse(await rs.json());
  if (columns.length === 0) {
    throw new TributaryError(
      'not_found',
      `processor ${processor}'s table ${name} does not exist in ClickHouse (any more): publish the processor to create it`,
    );
  }
  return { processor, name, columns };
}
