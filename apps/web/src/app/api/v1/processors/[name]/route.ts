import { getHandler, type NameParams } from '../../../../../server/api/processors.ts';
import { processorsApiDeps } from '../../../../../server/api/processors-deps.ts';

export const dynamic = 'force-dynamic';

export function GET(req: Request, ctx: NameParams) {
  return getHandler(req, ctx, processorsApiDeps());
}
