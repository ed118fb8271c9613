import { HydrationBoundary } from '@tanstack/react-query';
import { LiveView, type TailFilter } from '../../components/live/live-view.tsx';
import { env } from '../../env.ts';
import { TAIL_LIMIT } from '../../lib/windows.ts';
import { dehydrated, getQueryClient, trpc } from '../../trpc/server.ts';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Live · Tributary' };

type Search = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) =>
  typeof v === 'string' && v !== '' ? v.slice(0, 200) : undefined;

export default async function LivePage({ searchParams }: { searchParams: Promise<Search> }) {
  const q = await searchParams;
  // The lineage page links a flow here: ?source=…&eventType=…&processor=…
  const filter = Object.fromEntries(
    Object.entries({
      source: one(q.source),
      eventType: one(q.eventType),
      processor: one(q.processor),
    }).filter(([, v]) => v !== undefined),
  ) as TailFilter;
  const queryClient = getQueryClient();
  // Rendered with data when ClickHouse answers; otherwise the browser's polling fills it in.
  await Promise.all([
    queryClient.prefetchQuery(trpc.live.overview.queryOptions()),
    queryClient.prefetchQuery(trpc.live.tail.queryOptions({ limit: TAIL_LIMIT, ...filter })),
  ]);
  return (
    <HydrationBoundary state={dehydrated(queryClient)}>
      <LiveView ingestUrl={env.INGEST_PUBLIC_URL} filter={filter} />
    </HydrationBoundary>
  );
}
