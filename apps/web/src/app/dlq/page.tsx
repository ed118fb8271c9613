import { HydrationBoundary } from '@tanstack/react-query';
import { DlqView } from '../../components/dlq/dlq-view.tsx';
import {
  anchorNow,
  buildFilter,
  DLQ_PAGE_SIZE,
  formFromParams,
  rangeFromParams,
} from '../../lib/dlq-filter.ts';
import { dehydrated, getQueryClient, trpc } from '../../trpc/server.ts';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Dead letters · Tributary' };

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const range = rangeFromParams(params);
  const form = formFromParams(params);
  // The client starts from the same anchor, so the prefetched queries are the ones it asks for.
  const anchor = anchorNow();
  const filter = buildFilter(range, anchor, form);
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.dlq.groups.queryOptions({ filter })),
    queryClient.prefetchQuery(trpc.dlq.list.queryOptions({ filter, cursor: null, limit: DLQ_PAGE_SIZE })),
    queryClient.prefetchQuery(trpc.dlq.retention.queryOptions()),
    queryClient.prefetchQuery(trpc.viewer.me.queryOptions()),
  ]);
  return (
    <HydrationBoundary state={dehydrated(queryClient)}>
      <DlqView initialRange={range} initialForm={form} initialAnchor={anchor} />
    </HydrationBoundary>
  );
}
