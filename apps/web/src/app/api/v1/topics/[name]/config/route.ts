import { setConfigHandler, type TopicParams } from '../../../../../../server/topics/api.ts';
import { topicsDeps } from '../../../../../../server/topics/deps.ts';

export const dynamic = 'force-dynamic';

export function PATCH(req: Request, ctx: TopicParams) {
  return setConfigHandler(req, ctx, topicsDeps());
}
