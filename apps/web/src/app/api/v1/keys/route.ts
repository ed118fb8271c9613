import { issueKeyHandler, listKeysHandler } from '../../../../server/api/keys.ts';
import { getDb } from '../../../../server/db.ts';

export const dynamic = 'force-dynamic';

export function GET(req: Request) {
  return listKeysHandler(req, getDb());
}

export function POST(req: Request) {
  return issueKeyHandler(req, getDb());
}
