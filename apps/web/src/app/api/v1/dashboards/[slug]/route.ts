import {
  getDashboardHandler,
  updateDashboardHandler,
  type SlugParams,
} from '../../../../../server/api/dashboards.ts';
import { getDb } from '../../../../../server/db.ts';

export const dynamic = 'force-dynamic';

export function GET(req: Request, ctx: SlugParams) {
  return getDashboardHandler(req, ctx, { db: getDb() });
}

export function PUT(req: Request, ctx: SlugParams) {
  return updateDashboardHandler(req, ctx, { db: getDb() });
}
