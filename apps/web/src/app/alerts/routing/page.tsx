import { RoutingView } from '../../../components/alerts/routing/routing-view.tsx';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Alert routing · Tributary' };

export default function AlertRoutingPage() {
  return <RoutingView />;
}
