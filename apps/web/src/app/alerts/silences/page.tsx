import { SilencesView } from '../../../components/alerts/silences/silences-view.tsx';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Silences · Tributary' };

export default function SilencesPage() {
  return <SilencesView />;
}
