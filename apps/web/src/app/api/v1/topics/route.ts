import { createTopicHandler, listTopicsHandler } from '../../../../server/topics/api.ts';
import { topicsDeps } from '../../../../server/topics/deps.ts';

export const dynamic = 'force-dynamic';

export function GET(req: Request) {
  return listTopicsHandler(req, topicsDeps());
}

export function POST(req: Request) {
  return createTopicHandler(req, topicsDeps());
}
