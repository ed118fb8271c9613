import { headers } from 'next/headers';
import { DashboardView } from '../../../components/dashboards/dashboard-view.tsx';
import { warmPanelsFor } from '../../../server/dashboards/warm-panels.ts';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Dashboard · Tributary' };

export default async function DashboardPage({ params }: { params: Promise<{ slug: string }> }) {
  const slug = decodeURIComponent((await params).slug);
  // Not awaited: the page goes out at once and the panels' queries run meanwhile (warm-panels.ts).
  void warmPanelsFor(slug, new Headers(await headers()));
  return <DashboardView slug={slug} />;
}
