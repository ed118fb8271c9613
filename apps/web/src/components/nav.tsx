'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useAlertsSummary } from '../hooks/alerts.ts';
import { useCan } from '../lib/use-can.ts';
import { isPublicPage } from '../lib/public-pages.ts';
import { firingLabel } from './alerts/now/alert-order.ts';
import alertStyles from './alerts/now/now.module.css';
import { UserMenu } from './auth/user-menu.tsx';

const links = [
  { href: '/live', label: 'Live' },
  { href: '/pipeline', label: 'Pipeline' },
  { href: '/dashboards', label: 'Dashboards' },
  { href: '/lineage', label: 'Lineage' },
  { href: '/schemas', label: 'Schemas' },
  { href: '/processors', label: 'Processors' },
  { href: '/alerts', label: 'Alerts' },
  { href: '/dlq', label: 'Dead letters' },
  { href: '/topics', label: 'Topics' },
  { href: '/groups', label: 'Consumer groups' },
] as const;

/** Shown to admins only (the server refuses everyone else anyway). */
const adminLinks = [
  { href: '/users', label: 'Users' },
  { href: '/keys', label: 'Keys' },
  { href: '/audit', label: 'Audit' },
] as const;

export function Nav() {
  const pathname = usePathname();
  const isAdmin = useCan('admin');
  if (isPublicPage(pathname)) return null;
  const shown = isAdmin ? [...links, ...adminLinks] : links;
  return (
    <>
      <nav className="nav" aria-label="Main">
        {shown.map((link) => (
          <Link
            key={link.href}
            href={link.href}
            className={pathname.startsWith(link.href) ? 'nav-link active' : 'nav-link'}
          >
            {link.label}
            {link.href === '/alerts' && <FiringBadge />}
          </Link>
        ))}
      </nav>
      <UserMenu />
    </>
  );
}

/** How many alerts are firing, beside the Alerts link (polled; nothing shown while none fire). */
function FiringBadge() {
  const summary = useAlertsSummary();
  const firing = summary.data?.firing ?? 0;
  if (firing === 0) return null;
  const label = firingLabel(firing);
  return (
    <span
      className={alertStyles.navBadge}
      role="status"
      aria-label={label}
      title={label}
      data-testid="nav-firing"
    >
      {firing}
    </span>
  );
}
