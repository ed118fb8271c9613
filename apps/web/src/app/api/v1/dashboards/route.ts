import { createDashboardHandler, listDashboardsHandler } from '../../../../server/api/dashboards.ts';
import { dashboardsApiDeps } from '../../../../server/api/dashboards-deps.ts';

export const dynamic = 'force-dynamic';

export function GET(req: Request) {
  return listDashboardsHandler(req, dashboardsApiDeps());
}

export function POST(req: Request) {
  return createDashboardHandler(req, dashboardsApiDeps());
}
