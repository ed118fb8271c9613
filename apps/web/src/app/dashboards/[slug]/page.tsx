import { HydrationBoundary } from '@tanstack/react-query';
import { DashboardView } from '../../../components/dashboards/dashboard-view.tsx';
import { dehydrated, getQueryClient, trpc } from '../../../trpc/server.ts';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Dashboard · Tributary' };

export default async function DashboardPage({ params }: { params: Promise<{ slug: string }> }) {
  const slug = decodeURIComponent((await params).slug);
  const queryClient = getQueryClient();
  // The definition comes with the page (one Postgres read), so the panels ask for their data as
  // soon as the page runs rather than after a round trip for it. A refusal is not kept: the
  // page asks again and shows it.
  await queryClient.prefetchQuery(trpc.dashboards.get.queryOptions({ slug }));
  return (
    <HydrationBoundary state={dehydrated(queryClient)}>
      <DashboardView slug={slug} />
    </HydrationBoundary>
  );
}
