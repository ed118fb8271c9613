import { env } from '../../../../env.ts';
import { receiveInboxHandler } from '../../../../server/alert-inbox/receive.ts';
import { getDb } from '../../../../server/db.ts';

export const dynamic = 'force-dynamic';

/** The console's local alert inbox: webhook deliveries with ALERT_INBOX_TOKEN as their bearer. */
export function POST(req: Request) {
  return receiveInboxHandler(req, { db: getDb(), token: env.ALERT_INBOX_TOKEN });
}
