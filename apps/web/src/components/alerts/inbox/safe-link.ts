/**
 * An inbox body comes from outside (whoever holds the token): only http(s) and same-site links
 * become anchors, never `javascript:` or `data:`.
 */
export function safeHref(link: string | null): string | null {
  if (link === null) return null;
  if (link.startsWith('/') && !link.startsWith('//')) return link;
  try {
    const u = new URL(link);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}
