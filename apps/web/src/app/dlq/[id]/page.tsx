import { HydrationBoundary } from '@tanstack/react-query';
import { EntryView } from '../../../components/dlq/entry-view.tsx';
import { dehydrated, getQueryClient, trpc } from '../../../trpc/server.ts';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Dead letter · Tributary' };

function idFromParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const id = idFromParam((await params).id);
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.dlq.entry.queryOptions({ id })),
    queryClient.prefetchQuery(trpc.viewer.me.queryOptions()),
  ]);
  return (
    <HydrationBoundary state={dehydrated(queryClient)}>
      <EntryView id={id} />
    </HydrationBoundary>
  );
}
