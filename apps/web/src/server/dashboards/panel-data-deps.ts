import type { QueryTarget } from '@tributary/clickhouse';
import { topicNames } from '@tributary/contracts';
import { env } from '../../env.ts';
import { getRedis } from '../redis.ts';
import type { PanelDataDeps } from './panel-data.ts';

/** The console's own: the request's bounded ClickHouse target, Redis, and the workers' progress. */
export function panelDataDeps(clickhouse: QueryTarget): PanelDataDeps {
  return {
    clickhouse,
    redis: getRedis(),
    redisPrefix: env.REDIS_PREFIX,
    progress: { group: env.CONSUMER_GROUP, topic: topicNames(env.TOPIC_PREFIX).events },
  };
}
