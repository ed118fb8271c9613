import { AuditView } from '../../components/audit/audit-view.tsx';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Audit · Tributary' };

/** Admins only: the router refuses everyone else, and the page then says so. */
export default function Page() {
  return <AuditView />;
}
