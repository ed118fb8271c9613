/**
 * Pages anyone may open without a session: signing in, accepting an invite, and a dashboard's
 * read-only share link. The proxy lets them through and the user menu does not send their
 * visitors to /signin; every other page needs a session.
 */
export const PUBLIC_PAGES = ['/signin', '/invite/', '/shared/'] as const;

export function isPublicPage(pathname: string): boolean {
  return PUBLIC_PAGES.some((p) => pathname === p || (p.endsWith('/') && pathname.startsWith(p)));
}
