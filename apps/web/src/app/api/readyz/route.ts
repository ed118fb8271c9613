import { env } from '../../../env.ts';
import { getClickHouse } from '../../../server/clickhouse.ts';
import { getDb } from '../../../server/db.ts';
import { endpointsFrom } from '../../../server/errors/endpoints.ts';
import { getAdmin } from '../../../server/kafka.ts';
import { checkReadiness, pingClickHouse } from '../../../server/readiness.ts';

export const dynamic = 'force-dynamic';

/**
 * Ready when Postgres, ClickHouse and Kafka all answer, each within 2 s: 200, or 503 with what
 * is down and why in plain words. `/api/healthz` only says the process is up.
 */
export async function GET() {
  const readiness = await checkReadiness(
    {
      postgres: () => getDb().$queryRaw`SELECT 1`,
      clickhouse: (signal) => pingClickHouse(getClickHouse(), signal),
      kafka: () => getAdmin().listTopics(),
    },
    {
      context: {
        endpoints: endpointsFrom({
          clickhouseUrl: env.CLICKHOUSE_URL,
          databaseUrl: env.DATABASE_URL,
          kafkaBrokers: env.KAFKA_BROKERS,
        }),
      },
    },
  );
  return Response.json(readiness, {
    status: readiness.status === 'ready' ? 200 : 503,
    headers: { 'cache-control': 'no-store' },
  });
}
