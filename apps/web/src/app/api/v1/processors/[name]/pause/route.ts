import { pauseHandler, type NameParams } from '../../../../../../server/api/processors.ts';
import { processorsApiDeps } from '../../../../../../server/api/processors-deps.ts';

export const dynamic = 'force-dynamic';

export function POST(req: Request, ctx: NameParams) {
  return pauseHandler(req, ctx, processorsApiDeps());
}
