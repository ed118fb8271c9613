import type { QueryTarget } from '@tributary/clickhouse';
import { topicNames } from '@tributary/contracts';
import { env } from '../../env.ts';
import { getDb } from '../db.ts';
import { getRedis } from '../redis.ts';
import { getAnalystTarget } from './analyst-clickhouse.ts';
import { fieldNotices } from './fields.ts';
import type { PanelDataDeps } from './panel-data.ts';
import { processorTable } from './processor-table.ts';

/**
 * The console's own: the request's bounded ClickHouse target, Redis, the workers' progress, the
 * analyst user for SQL panels, processors' tables and the registry's fields.
 */
export function panelDataDeps(clickhouse: QueryTarget): PanelDataDeps {
  return {
    clickhouse,
    redis: getRedis(),
    redisPrefix: env.REDIS_PREFIX,
    progress: { group: env.CONSUMER_GROUP, topic: topicNames(env.TOPIC_PREFIX).events },
    analyst: getAnalystTarget(),
    processorTable: (processor) => processorTable(getDb(), clickhouse, processor),
    fieldNotices: (query) => fieldNotices(getDb(), query),
  };
}
