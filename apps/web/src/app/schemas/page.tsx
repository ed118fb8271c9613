import { HydrationBoundary } from '@tanstack/react-query';
import { SubjectsView } from '../../components/schemas/subjects-view.tsx';
import { dehydrated, getQueryClient, trpc } from '../../trpc/server.ts';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Schemas · Tributary' };

export default async function SchemasPage() {
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.schemas.list.queryOptions()),
    queryClient.prefetchQuery(trpc.sources.list.queryOptions()),
  ]);
  return (
    <HydrationBoundary state={dehydrated(queryClient)}>
      <SubjectsView />
    </HydrationBoundary>
  );
}
