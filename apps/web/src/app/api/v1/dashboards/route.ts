import { createDashboardHandler, listDashboardsHandler } from '../../../../server/api/dashboards.ts';
import { getDb } from '../../../../server/db.ts';

export const dynamic = 'force-dynamic';

export function GET(req: Request) {
  return listDashboardsHandler(req, { db: getDb() });
}

export function POST(req: Request) {
  return createDashboardHandler(req, { db: getDb() });
}
