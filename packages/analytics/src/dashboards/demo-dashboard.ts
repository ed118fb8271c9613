import type { DashboardDefinitionInput } from '@tributary/contracts';
import type { Db } from '@tributary/db';
import { createDashboard } from './dashboards.ts';

/** What `npm start` seeds: a dashboard over the demo traffic of `npm run demo`. */
export const DEMO_DASHBOARD_SLUG = 'product-overview';

const definition: DashboardDefinitionInput = {
  range: '1h',
  refreshSeconds: 10,
  variables: [{ name: 'type', label: 'event type', kind: 'event_type' }],
  panels: [
    {
      id: 'events-per-minute',
      title: 'Events per minute by type',
      viz: 'area',
      query: {
        source: { kind: 'events' },
        measure: { fn: 'count' },
        groupBy: ['event_type'],
        filters: [{ field: 'event_type', op: '=', variable: 'type' }],
        interval: 60,
      },
      layout: { x: 0, y: 0, w: 8, h: 5 },
    },
    {
      id: 'signups',
      title: 'Sign-ups',
      viz: 'stat',
      query: {
        source: { kind: 'events', eventTypes: ['user_signup'] },
        measure: { fn: 'count' },
        interval: 300,
      },
      layout: { x: 8, y: 0, w: 4, h: 5 },
    },
    {
      id: 'revenue-by-currency',
      title: 'Revenue by currency',
      viz: 'bar',
      query: {
        source: { kind: 'events', eventTypes: ['purchase'] },
        measure: { fn: 'sum', field: 'data.amount' },
        groupBy: ['data.currency'],
        interval: 300,
      },
      layout: { x: 0, y: 5, w: 6, h: 5 },
    },
    {
      id: 'top-pages',
      title: 'Top pages',
      viz: 'table',
      query: {
        source: { kind: 'events', eventTypes: ['page_view'] },
        measure: { fn: 'count' },
        groupBy: ['data.path'],
        interval: 3600,
        seriesLimit: 10,
      },
      layout: { x: 6, y: 5, w: 6, h: 5 },
    },
    {
      id: 'purchase-p95',
      title: 'Purchase amount, p95',
      viz: 'line',
      query: {
        source: { kind: 'events', eventTypes: ['purchase'] },
        measure: { fn: 'p95', field: 'data.amount' },
        interval: 300,
      },
      layout: { x: 0, y: 10, w: 12, h: 4 },
    },
  ],
};

/** Creates the demo dashboard unless one of that name exists (a re-run keeps its edits). */
export async function seedDemoDashboard(db: Db): Promise<void> {
  if (await db.dashboard.findUnique({ where: { slug: DEMO_DASHBOARD_SLUG }, select: { id: true } })) return;
  await createDashboard(
    db,
    {
      slug: DEMO_DASHBOARD_SLUG,
      title: 'Product overview',
      description: 'The demo traffic of npm run demo: events, sign-ups, revenue, pages.',
      definition,
    },
    { actor: 'seed' },
  ).catch((err: unknown) => {
    // Created meanwhile by another start: that one stands.
    if ((err as { code?: string }).code !== 'conflict') throw err;
  });
}
