import {
  deleteAlertHandler,
  getAlertHandler,
  putAlertHandler,
  type NameParams,
} from '../../../../../server/api/alerts.ts';
import { alertsApiDeps } from '../../../../../server/api/alerts-deps.ts';

export const dynamic = 'force-dynamic';

export function GET(req: Request, ctx: NameParams) {
  return getAlertHandler(req, ctx, alertsApiDeps());
}

export function PUT(req: Request, ctx: NameParams) {
  return putAlertHandler(req, ctx, alertsApiDeps());
}

export function DELETE(req: Request, ctx: NameParams) {
  return deleteAlertHandler(req, ctx, alertsApiDeps());
}
