export {
  createDashboard,
  createDashboardInputSchema,
  deleteDashboard,
  getDashboard,
  listDashboards,
  updateDashboard,
  updateDashboardInputSchema,
  type CreateDashboardInput,
  type DashboardSummary,
  type DashboardView,
  type UpdateDashboardInput,
} from './dashboards.ts';
export { createShare, listShares, resolveShare, revokeShare, type ShareView } from './shares.ts';
export { DEMO_DASHBOARD_SLUG, seedDemoDashboard } from './demo-dashboard.ts';
