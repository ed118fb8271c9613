import { getSubjectHandler, type SubjectParams } from '../../../../../server/api/schemas.ts';
import { getDb } from '../../../../../server/db.ts';

export const dynamic = 'force-dynamic';

export function GET(req: Request, ctx: SubjectParams) {
  return getSubjectHandler(req, ctx, getDb());
}
