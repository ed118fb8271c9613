import { HydrationBoundary } from '@tanstack/react-query';
import { panelVariables } from '@tributary/contracts';
import { DashboardView } from '../../../components/dashboards/dashboard-view.tsx';
import { dehydrated, getQueryClient, trpc } from '../../../trpc/server.ts';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Dashboard · Tributary' };

export default async function DashboardPage({ params }: { params: Promise<{ slug: string }> }) {
  const slug = decodeURIComponent((await params).slug);
  const queryClient = getQueryClient();
  // The definition with the page; every panel's first result starts on the server at once and
  // streams to the browser as it is ready (pending queries are dehydrated), instead of waiting
  // for the page's script to load and ask. Keys match the panels' own first request: the saved
  // range and each variable's default.
  const d = await queryClient.fetchQuery(trpc.dashboards.get.queryOptions({ slug })).catch(() => null);
  if (d) {
    const defaults = Object.fromEntries(d.definition.variables.map((v) => [v.name, v.default]));
    for (const panel of d.definition.panels) {
      const variables = Object.fromEntries(panelVariables(panel).map((n) => [n, defaults[n] ?? null]));
      void queryClient.prefetchQuery(
        trpc.dashboards.panel.queryOptions({ slug, panelId: panel.id, variables, range: d.definition.range }),
      );
    }
  }
  return (
    <HydrationBoundary state={dehydrated(queryClient)}>
      <DashboardView slug={slug} />
    </HydrationBoundary>
  );
}
