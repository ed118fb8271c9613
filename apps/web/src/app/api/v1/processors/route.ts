import { createHandler, listHandler } from '../../../../server/api/processors.ts';
import { processorsApiDeps } from '../../../../server/api/processors-deps.ts';

export const dynamic = 'force-dynamic';

export function GET(req: Request) {
  return listHandler(req, processorsApiDeps());
}

export function POST(req: Request) {
  return createHandler(req, processorsApiDeps());
}
