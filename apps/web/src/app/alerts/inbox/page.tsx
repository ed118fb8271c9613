import { HydrationBoundary } from '@tanstack/react-query';
import { AlertInboxView } from '../../../components/alerts/inbox/inbox-view.tsx';
import { INBOX_PAGE_SIZE } from '../../../components/alerts/inbox/inbox-limits.ts';
import { dehydrated, getQueryClient, trpc } from '../../../trpc/server.ts';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Alert inbox · Tributary' };

export default async function Page() {
  const queryClient = getQueryClient();
  await queryClient.prefetchQuery(trpc.alertInbox.list.queryOptions({ limit: INBOX_PAGE_SIZE }));
  return (
    <HydrationBoundary state={dehydrated(queryClient)}>
      <AlertInboxView />
    </HydrationBoundary>
  );
}
