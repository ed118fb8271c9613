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
export {
  createShare,
  listShares,
  resolveShare,
  revokeShare,
  shareDashboardSlug,
  type ShareView,
} from './shares.ts';
export {
  assertMayEdit,
  assertMayView,
  dashboardAccessSchema,
  dashboardRoles,
  mayEdit,
  mayView,
  setDashboardAccess,
  type DashboardAccess,
  type DashboardCaller,
  type DashboardRole,
} from './access.ts';
export { DEMO_DASHBOARD_SLUG, seedDemoDashboard } from './demo-dashboard.ts';
