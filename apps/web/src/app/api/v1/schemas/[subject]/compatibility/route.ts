import { compatibilityHandler, type SubjectParams } from '../../../../../../server/api/schemas.ts';
import { getDb } from '../../../../../../server/db.ts';

export const dynamic = 'force-dynamic';

export function POST(req: Request, ctx: SubjectParams) {
  return compatibilityHandler(req, ctx, getDb());
}
