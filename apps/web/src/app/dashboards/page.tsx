import { DashboardsList } from '../../components/dashboards/dashboards-list.tsx';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Dashboards · Tributary' };

export default function DashboardsPage() {
  return <DashboardsList />;
}
