import { configHandler, type SubjectParams } from '../../../../../../server/api/schemas.ts';
import { publishSubjectChange } from '../../../../../../server/control.ts';
import { getDb } from '../../../../../../server/db.ts';

export const dynamic = 'force-dynamic';

export async function PUT(req: Request, ctx: SubjectParams) {
  const res = await configHandler(req, ctx, getDb());
  // Published after the commit so ingest applies a new enforcement live.
  if (res.ok) await publishSubjectChange((await ctx.params).subject);
  return res;
}
