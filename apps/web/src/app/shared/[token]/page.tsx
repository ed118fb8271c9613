import { SharedDashboard } from '../../../components/dashboards/shared-dashboard.tsx';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Shared dashboard · Tributary' };

export default async function SharedDashboardPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return <SharedDashboard token={decodeURIComponent(token)} />;
}
