import { HydrationBoundary } from '@tanstack/react-query';
import { PipelinePage } from '../../components/pipeline/pipeline-page.tsx';
import { pipelineWindowKeys, type PipelineWindow } from '../../lib/windows.ts';
import { dehydrated, getQueryClient, trpc } from '../../trpc/server.ts';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Pipeline · Tributary' };

function parseWindow(value: unknown): PipelineWindow {
  return (pipelineWindowKeys as readonly unknown[]).includes(value) ? (value as PipelineWindow) : '1h';
}

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const window = parseWindow((await searchParams).window);
  const queryClient = getQueryClient();
  await queryClient.prefetchQuery(trpc.pipeline.overview.queryOptions({ window }));
  return (
    <HydrationBoundary state={dehydrated(queryClient)}>
      <PipelinePage initialWindow={window} />
    </HydrationBoundary>
  );
}
