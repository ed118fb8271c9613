import { KeysView } from '../../components/keys/keys-view.tsx';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Keys · Tributary' };

/** Admins only: the keys router refuses everyone else, and the page then says so. */
export default function Page() {
  return <KeysView />;
}
