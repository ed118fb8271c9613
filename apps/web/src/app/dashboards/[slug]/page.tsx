import { DashboardView } from '../../../components/dashboards/dashboard-view.tsx';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Dashboard · Tributary' };

export default async function DashboardPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return <DashboardView slug={decodeURIComponent(slug)} />;
}
