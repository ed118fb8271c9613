import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Nav } from '../components/nav.tsx';
import { TRPCReactProvider } from '../trpc/react.tsx';
import './globals.css';

export const metadata: Metadata = {
  title: 'Tributary',
  description: 'Event data platform console',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>
          <header className="topbar">
            <div className="topbar-inner">
              <Link href="/live" className="brand">
                <span className="brand-mark" aria-hidden />
                Tributary
              </Link>
              <Nav />
            </div>
          </header>
          <main className="main">{children}</main>
        </TRPCReactProvider>
      </body>
    </html>
  );
}
