import { ReceiversView } from '../../../components/alerts/receivers/receivers-view.tsx';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Alert receivers · Tributary' };

export default function AlertReceiversPage() {
  return <ReceiversView />;
}
