import { TopicsView } from '../../components/topics/topics-view.tsx';
import { env } from '../../env.ts';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Topics · Tributary' };

export default function Page() {
  return <TopicsView prefix={env.TOPIC_PREFIX} />;
}
