import { env } from '../../../env.ts';
import { getClickHouse } from '../../../server/clickhouse.ts';
import { pingClickHouse } from '../../../server/queries/health.ts';

export const dynamic = 'force-dynamic';

export async function GET() {
  const clickhouse = await pingClickHouse({
    client: getClickHouse(),
    database: env.CLICKHOUSE_DATABASE,
  }).catch(() => false);
  return Response.json(
    { status: clickhouse ? 'ok' : 'unavailable', checks: { clickhouse: clickhouse ? 'ok' : 'unreachable' } },
    { status: clickhouse ? 200 : 503 },
  );
}
