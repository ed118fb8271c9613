import { ProcessorEditor } from '../../../components/processors/processor-editor.tsx';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }) {
  return { title: `${decodeURIComponent((await params).name)} · Processors · Tributary` };
}

export default async function ProcessorPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return <ProcessorEditor name={decodeURIComponent(name)} />;
}
