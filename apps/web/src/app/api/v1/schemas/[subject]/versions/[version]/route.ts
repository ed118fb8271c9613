import { getVersionHandler, type VersionParams } from '../../../../../../../server/api/schemas.ts';
import { getDb } from '../../../../../../../server/db.ts';

export const dynamic = 'force-dynamic';

export function GET(req: Request, ctx: VersionParams) {
  return getVersionHandler(req, ctx, getDb());
}
