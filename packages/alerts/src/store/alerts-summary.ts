import type { Db } from '@tributary/db';

/** How many instances are in each problem state: the nav bar's badge, polled by every page. */
export interface AlertsSummary {
  firing: number;
  pending: number;
  no_data: number;
  error: number;
}

/** One grouped count over the instances table (no rule definitions parsed): cheap to poll. */
export async function alertsSummary(db: Db): Promise<AlertsSummary> {
  const rows = await db.alertInstance.groupBy({
    by: ['state'],
    where: { state: { in: ['firing', 'pending', 'no_data', 'error'] } },
    _count: { _all: true },
  });
  const summary: AlertsSummary = { firing: 0, pending: 0, no_data: 0, error: 0 };
  for (const r of rows) {
    if (r.state in summary) summary[r.state as keyof AlertsSummary] = r._count._all;
  }
  return summary;
}
