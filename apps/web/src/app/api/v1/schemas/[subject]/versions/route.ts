import {
  listVersionsHandler,
  registerHandler,
  type SubjectParams,
} from '../../../../../../server/api/schemas.ts';
import { getDb } from '../../../../../../server/db.ts';

export const dynamic = 'force-dynamic';

export function GET(req: Request, ctx: SubjectParams) {
  return listVersionsHandler(req, ctx, getDb());
}

export function POST(req: Request, ctx: SubjectParams) {
  return registerHandler(req, ctx, getDb());
}
