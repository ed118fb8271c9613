import { GroupDetail } from '../../../components/groups/group-detail.tsx';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Consumer group · Tributary' };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <GroupDetail groupId={decodeURIComponent(id)} />;
}
