import { listSubjectsHandler } from '../../../../server/api/schemas.ts';
import { getDb } from '../../../../server/db.ts';

export const dynamic = 'force-dynamic';

export function GET(req: Request) {
  return listSubjectsHandler(req, getDb());
}
