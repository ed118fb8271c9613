import {
  getDashboardHandler,
  updateDashboardHandler,
  type SlugParams,
} from '../../../../../server/api/dashboards.ts';
import { dashboardsApiDeps } from '../../../../../server/api/dashboards-deps.ts';

export const dynamic = 'force-dynamic';

export function GET(req: Request, ctx: SlugParams) {
  return getDashboardHandler(req, ctx, dashboardsApiDeps());
}

export function PUT(req: Request, ctx: SlugParams) {
  return updateDashboardHandler(req, ctx, dashboardsApiDeps());
}
