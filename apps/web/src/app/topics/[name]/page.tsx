import { TopicDetail } from '../../../components/topics/topic-detail.tsx';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Topic · Tributary' };

export default async function Page({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return <TopicDetail name={decodeURIComponent(name)} />;
}
