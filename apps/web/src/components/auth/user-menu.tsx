'use client';

import { useQuery } from '@tanstack/react-query';
import { usePathname } from 'next/navigation';
import { useEffect, useState } from 'react';
import { useTRPC } from '../../trpc/react.tsx';
import styles from './auth.module.css';
import { postJson } from './post-json.ts';
import { isPublicPage } from '../../lib/public-pages.ts';

const ROLE_LABEL: Record<string, string> = {
  viewer: 'viewer',
  operator: 'operator',
  schema_owner: 'schema owner',
  admin: 'admin',
};

/** Who is signed in, and the way out. A console page whose session ended sends the visitor to /signin. */
export function UserMenu() {
  const trpc = useTRPC();
  const pathname = usePathname();
  const me = useQuery(trpc.viewer.me.queryOptions());
  const [pending, setPending] = useState(false);
  const signedOut = me.isSuccess && me.data === null && !isPublicPage(pathname);

  useEffect(() => {
    // The proxy only sees that a cookie exists; an expired or revoked session is found out here.
    if (signedOut) window.location.assign(`/signin?next=${encodeURIComponent(pathname)}`);
  }, [signedOut, pathname]);

  if (!me.data) return null;
  const signOut = async () => {
    setPending(true);
    await postJson('/api/auth/sign-out', {}).catch(() => {});
    window.location.assign('/signin');
  };
  return (
    <div className={styles.menu} data-testid="user-menu">
      <div className={styles.who}>
        <span data-testid="user-name">{me.data.name}</span>
        <span className={styles.role} data-testid="user-role">
          {me.data.role ? ROLE_LABEL[me.data.role] : 'API key'}
          {me.data.piiGrant && me.data.role !== 'admin' ? ' · pii' : ''}
        </span>
      </div>
      {me.data.kind === 'user' && (
        <button
          type="button"
          className="btn btn-small"
          onClick={signOut}
          disabled={pending}
          data-testid="sign-out"
        >
          Sign out
        </button>
      )}
    </div>
  );
}
