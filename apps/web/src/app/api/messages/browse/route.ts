import { browseMessagesRoute } from '../../../../server/messages/browse-route.ts';

export const dynamic = 'force-dynamic';

/** The message browser's stream (NDJSON); see server/messages/browse-route.ts. */
export function POST(req: Request) {
  return browseMessagesRoute(req);
}
