import { getDb } from '../db.ts';
import type { AlertsApiDeps } from './alerts.ts';

/** What the /api/v1/alerts routes run with: the console's own Postgres client, made on first use. */
export function alertsApiDeps(): AlertsApiDeps {
  return { db: getDb() };
}
