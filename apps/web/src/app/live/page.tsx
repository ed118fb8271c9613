import { HydrationBoundary } from '@tanstack/react-query';
import { LiveView } from '../../components/live/live-view.tsx';
import { env } from '../../env.ts';
import { TAIL_LIMIT } from '../../lib/windows.ts';
import { dehydrated, getQueryClient, trpc } from '../../trpc/server.ts';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Live · Tributary' };

export default async function LivePage() {
  const queryClient = getQueryClient();
  // Rendered with data when ClickHouse answers; otherwise the browser's polling fills it in.
  await Promise.all([
    queryClient.prefetchQuery(trpc.live.overview.queryOptions()),
    queryClient.prefetchQuery(trpc.live.tail.queryOptions({ limit: TAIL_LIMIT })),
  ]);
  return (
    <HydrationBoundary state={dehydrated(queryClient)}>
      <LiveView ingestUrl={env.INGEST_PUBLIC_URL} />
    </HydrationBoundary>
  );
}
