import { HydrationBoundary } from '@tanstack/react-query';
import { subjectFromParam } from '../../../components/schemas/display.ts';
import { SubjectView } from '../../../components/schemas/subject-view.tsx';
import { dehydrated, getQueryClient, trpc } from '../../../trpc/server.ts';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ subject: string }> }) {
  return { title: `${subjectFromParam((await params).subject)} · Schemas · Tributary` };
}

export default async function SubjectPage({
  params,
  searchParams,
}: {
  params: Promise<{ subject: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const subject = subjectFromParam((await params).subject);
  const registered = Number((await searchParams).registered);
  const queryClient = getQueryClient();
  await queryClient.prefetchQuery(trpc.schemas.detail.queryOptions({ subject }));
  return (
    <HydrationBoundary state={dehydrated(queryClient)}>
      <SubjectView
        subject={subject}
        registered={Number.isInteger(registered) && registered > 0 ? registered : null}
      />
    </HydrationBoundary>
  );
}
