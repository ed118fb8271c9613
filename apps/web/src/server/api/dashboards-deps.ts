import { env } from '../../env.ts';
import { getClickHouse } from '../clickhouse.ts';
import { getAnalystTarget } from '../dashboards/analyst-clickhouse.ts';
import { getDb } from '../db.ts';
import type { DashboardsApiDeps } from './dashboards.ts';

/** What the /api/v1/dashboards routes run with: the console's own clients, made on first use. */
export function dashboardsApiDeps(): DashboardsApiDeps {
  return {
    db: getDb(),
    clickhouse: { client: getClickHouse(), database: env.CLICKHOUSE_DATABASE },
    analyst: getAnalystTarget(),
  };
}
