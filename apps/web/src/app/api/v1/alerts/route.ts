import { listAlertsHandler } from '../../../../server/api/alerts.ts';
import { alertsApiDeps } from '../../../../server/api/alerts-deps.ts';

export const dynamic = 'force-dynamic';

export function GET(req: Request) {
  return listAlertsHandler(req, alertsApiDeps());
}
