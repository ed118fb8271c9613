'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const links = [
  { href: '/live', label: 'Live' },
  { href: '/pipeline', label: 'Pipeline' },
  { href: '/schemas', label: 'Schemas' },
  { href: '/dlq', label: 'Dead letters' },
  { href: '/audit', label: 'Audit' },
] as const;

export function Nav() {
  const pathname = usePathname();
  return (
    <nav className="nav" aria-label="Main">
      {links.map((link) => (
        <Link
          key={link.href}
          href={link.href}
          className={pathname.startsWith(link.href) ? 'nav-link active' : 'nav-link'}
        >
          {link.label}
        </Link>
      ))}
    </nav>
  );
}
