import { getTopicHandler, type TopicParams } from '../../../../../server/topics/api.ts';
import { topicsDeps } from '../../../../../server/topics/deps.ts';

export const dynamic = 'force-dynamic';

export function GET(req: Request, ctx: TopicParams) {
  return getTopicHandler(req, ctx, topicsDeps());
}
