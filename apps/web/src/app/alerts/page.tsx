import { AlertsNowView } from '../../components/alerts/now/alerts-now-view.tsx';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Alerts · Tributary' };

// Not prefetched on the server: rows show "since … ago", which would differ between the server's
// render and the browser's a moment later.
export default function AlertsPage() {
  return <AlertsNowView />;
}
