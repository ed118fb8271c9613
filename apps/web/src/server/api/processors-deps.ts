import { getClickHouse, getDdlTarget } from '../clickhouse.ts';
import { kickControl } from '../control.ts';
import { getDb } from '../db.ts';
import { env } from '../../env.ts';
import type { ProcessorsApiDeps } from './processors.ts';

/** The console's own Postgres and ClickHouse clients, for the /api/v1/processors routes. */
export function processorsApiDeps(): ProcessorsApiDeps {
  const secret = env.PII_HASH_SECRET ? { piiSecret: env.PII_HASH_SECRET } : {};
  return {
    db: getDb(),
    lifecycle: () => ({ db: getDb(), clickhouseDdl: getDdlTarget(), ...secret }),
    preview: () => ({
      db: getDb(),
      clickhouse: { client: getClickHouse(), database: env.CLICKHOUSE_DATABASE },
      ...secret,
    }),
    afterChange: kickControl,
  };
}
