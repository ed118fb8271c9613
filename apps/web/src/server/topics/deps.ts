import { env } from '../../env.ts';
import { getDb } from '../db.ts';
import { getClusterAdmin } from './cluster.ts';
import type { TopicsDeps } from './manage-topics.ts';

/** The topics and groups functions' dependencies in this server process. */
export function topicsDeps(): TopicsDeps {
  return { cluster: getClusterAdmin(), db: getDb(), topicPrefix: env.TOPIC_PREFIX };
}
