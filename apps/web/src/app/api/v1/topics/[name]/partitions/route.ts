import { addPartitionsHandler, type TopicParams } from '../../../../../../server/topics/api.ts';
import { topicsDeps } from '../../../../../../server/topics/deps.ts';

export const dynamic = 'force-dynamic';

export function POST(req: Request, ctx: TopicParams) {
  return addPartitionsHandler(req, ctx, topicsDeps());
}
