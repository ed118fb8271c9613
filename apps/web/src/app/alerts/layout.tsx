'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import styles from '../../components/alerts/now/now.module.css';

// The alerting pages under one sub-nav; Rules, Receivers, Routing and Inbox are their own pages.
const TABS = [
  { href: '/alerts', label: 'Alerts' },
  { href: '/alerts/rules', label: 'Rules' },
  { href: '/alerts/silences', label: 'Silences' },
  { href: '/alerts/history', label: 'History' },
  { href: '/alerts/receivers', label: 'Receivers' },
  { href: '/alerts/routing', label: 'Routing' },
  { href: '/alerts/inbox', label: 'Inbox' },
] as const;

function isActive(pathname: string, href: string): boolean {
  return href === '/alerts' ? pathname === '/alerts' : pathname === href || pathname.startsWith(`${href}/`);
}

export default function AlertsLayout({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  return (
    <>
      <nav className={styles.subnav} aria-label="Alerting">
        {TABS.map((t) => {
          const active = isActive(pathname, t.href);
          return (
            <Link
              key={t.href}
              href={t.href}
              className={[styles.subnavLink, active && styles.subnavActive].filter(Boolean).join(' ')}
              aria-current={active ? 'page' : undefined}
            >
              {t.label}
            </Link>
          );
        })}
      </nav>
      {children}
    </>
  );
}
