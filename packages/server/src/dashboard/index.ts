export { DASHBOARD_CSP, dashboardRoutes } from './routes.js';
export type { DashboardRoutesDeps } from './routes.js';
