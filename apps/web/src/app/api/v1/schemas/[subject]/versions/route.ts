import {
  listVersionsHandler,
  registerHandler,
  type SubjectParams,
} from '../../../../../../server/api/schemas.ts';
import { publishSubjectChange } from '../../../../../../server/control.ts';
import { getDb } from '../../../../../../server/db.ts';

export const dynamic = 'force-dynamic';

export function GET(req: Request, ctx: SubjectParams) {
  return listVersionsHandler(req, ctx, getDb());
}

export async function POST(req: Request, ctx: SubjectParams) {
  const res = await registerHandler(req, ctx, getDb());
  // Also on 200 (schema already the latest): re-publishing is harmless and repairs a lost one.
  if (res.ok) await publishSubjectChange((await ctx.params).subject);
  return res;
}
