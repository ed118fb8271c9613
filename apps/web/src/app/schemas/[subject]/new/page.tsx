import { HydrationBoundary } from '@tanstack/react-query';
import { subjectFromParam } from '../../../../components/schemas/display.ts';
import { SchemaEditor } from '../../../../components/schemas/schema-editor.tsx';
import { dehydrated, getQueryClient, trpc } from '../../../../trpc/server.ts';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ subject: string }> }) {
  return { title: `New version · ${subjectFromParam((await params).subject)} · Tributary` };
}

export default async function NewVersionPage({ params }: { params: Promise<{ subject: string }> }) {
  const subject = subjectFromParam((await params).subject);
  const queryClient = getQueryClient();
  // A subject that does not exist yet is fine here: the editor then creates it.
  await queryClient.prefetchQuery(trpc.schemas.detail.queryOptions({ subject }));
  return (
    <HydrationBoundary state={dehydrated(queryClient)}>
      <SchemaEditor subject={subject} />
    </HydrationBoundary>
  );
}
