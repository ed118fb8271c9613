import { GroupsView } from '../../components/groups/groups-view.tsx';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Consumer groups · Tributary' };

export default function Page() {
  return <GroupsView />;
}
