/**
 * CSRF and DNS-rebinding checks for the console, applied by proxy.ts before any route runs.
 * Pure functions of the request's headers and the configured console origins, so they are
 * unit-tested without a server.
 */

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** `host[:port]` of a Host header or URL host, lowercased; null when malformed. */
function normalizeHost(host: string | null): string | null {
  if (!host) return null;
  try {
    return new URL(`http://${host}`).host.toLowerCase();
  } catch {
    return null;
  }
}

function hostname(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? host);
}

/**
 * Whether the console answers to this Host header: a configured origin's host, or a loopback
 * name on any port (one machine, test stacks on free ports). Refusing everything else defeats DNS
 * rebinding: a page on evil.example that re-points its name at 127.0.0.1 still sends
 * `Host: evil.example`.
 */
export function hostAllowed(hostHeader: string | null, origins: readonly string[]): boolean {
  const host = normalizeHost(hostHeader);
  if (!host) return false;
  if (LOOPBACK_HOSTS.has(hostname(host))) return true;
  return origins.some((o) => new URL(o).host.toLowerCase() === host);
}

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Whether a state-changing request comes from the console's own pages. Origin (else Referer)
 * must be a configured console origin or the very host the request was sent to (which passed
 * hostAllowed). A request with neither header is refused when it carries a cookie: browsers send
 * Origin on every cross-site POST, so only non-browser clients omit both, and those authenticate
 * with `Authorization: Bearer`.
 */
export function originAllowed(headers: Headers, origins: readonly string[]): OriginVerdict {
  const source = headers.get('origin') ?? refererOrigin(headers.get('referer'));
  if (source === null || source === 'null') {
    return headers.get('cookie')
      ? { ok: false, reason: 'no Origin or Referer on a request with cookies' }
      : { ok: true };
  }
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return { ok: false, reason: `unreadable Origin ${source}` };
  }
  if (origins.includes(url.origin)) return { ok: true };
  const host = normalizeHost(headers.get('host'));
  if (host !== null && url.host.toLowerCase() === host) return { ok: true };
  return { ok: false, reason: `cross-site request from ${url.origin}` };
}

function refererOrigin(referer: string | null): string | null {
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return null;
  }
}

/**
 * Which requests change state and so need originAllowed: every non-GET/HEAD/OPTIONS request to
 * tRPC (mutations are POST) and to /api/auth/*, and to /api/v1/* when it carries a cookie.
 * NOTE: a Bearer-key request without cookies cannot be forged by a browser (a cross-site page
 * cannot attach an Authorization header without a CORS preflight the console never grants).
 */
export function needsOriginCheck(method: string, pathname: string, headers: Headers): boolean {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
  if (pathname.startsWith('/api/v1/')) return headers.get('cookie') !== null;
  return true;
}
