import { UsersView } from '../../components/auth/users-view.tsx';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Users · Tributary' };

/** Admins only: the router refuses everyone else, and the page then says so. */
export default function Page() {
  return <UsersView />;
}
