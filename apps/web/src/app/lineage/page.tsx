import { HydrationBoundary } from '@tanstack/react-query';
import { LineageView } from '../../components/lineage/lineage-view.tsx';
import { dehydrated, getQueryClient, trpc } from '../../trpc/server.ts';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Lineage · Tributary' };

type Search = Record<string, string | string[] | undefined>;

export default async function LineagePage({ searchParams }: { searchParams: Promise<Search> }) {
  const q = await searchParams;
  // ?focus=<node id> opens the graph focused on that node (links from other pages).
  const focus = typeof q.focus === 'string' && q.focus.length <= 500 ? q.focus : undefined;
  const queryClient = getQueryClient();
  await queryClient.prefetchQuery(
    trpc.lineage.graph.queryOptions({ window: '5m', focus: focus ? { node: focus, depth: 2 } : undefined }),
  );
  return (
    <HydrationBoundary state={dehydrated(queryClient)}>
      <LineageView initialFocus={focus} />
    </HydrationBoundary>
  );
}
