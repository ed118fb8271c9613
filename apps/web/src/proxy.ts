import { NextResponse, type NextRequest } from 'next/server';
import { env } from './env.ts';
import { contentSecurityPolicy, newNonce } from './server/auth/csp.ts';
import { hostAllowed, needsOriginCheck, originAllowed } from './server/auth/request-guard.ts';
import { cookiePolicy, readCookie } from './server/auth/session-cookie.ts';
import { isPublicPage } from './lib/public-pages.ts';

/**
 * Answered whatever the Host: orchestrators probe by pod address (`Host: 10.1.2.3:3000`), and these
 * say only whether the process and its dependencies are up.
 */
const PROBES = new Set(['/api/healthz', '/api/readyz']);
/**
 * Routes that authenticate each request themselves, without a session or API key, and so are
 * reached from other services by whatever address they use (`http://web:3000` in compose).
 * NOTE: an entry here must check its own secret: the alert inbox compares the webhook's bearer
 * token with ALERT_INBOX_TOKEN (in constant time) before it reads the body, so a rebinding page
 * (which does not know the token) gets nowhere.
 */
const SELF_AUTHENTICATED = new Set(['/api/alerts/inbox']);

function refuse(status: number, error: string): NextResponse {
  return NextResponse.json({ error }, { status, headers: { 'cache-control': 'no-store' } });
}

/**
 * Runs before every route: refuses unknown Host headers (DNS rebinding) and cross-site
 * state-changing requests (CSRF), sends anonymous browsers to the sign-in page, and gives each
 * page its CSP nonce. NOTE: the page redirect only looks at whether a session cookie is present;
 * whether the session is valid is decided by resolveActor on every tRPC and API call.
 */
export function proxy(request: NextRequest): NextResponse {
  const origins = env.TRIBUTARY_CONSOLE_ORIGIN;
  const { pathname } = request.nextUrl;
  if (
    !PROBES.has(pathname) &&
    !SELF_AUTHENTICATED.has(pathname) &&
    !hostAllowed(request.headers.get('host'), origins)
  ) {
    return refuse(421, 'unknown Host; open the console at its configured address (TRIBUTARY_CONSOLE_ORIGIN)');
  }
  if (needsOriginCheck(request.method, pathname, request.headers)) {
    const verdict = originAllowed(request.headers, origins);
    if (!verdict.ok) return refuse(403, `refused: ${verdict.reason}`);
  }
  if (pathname.startsWith('/api/')) return NextResponse.next();

  const policy = cookiePolicy(origins);
  // Every page but the public ones sends a visitor without a session cookie to /signin.
  const isPublic = isPublicPage(pathname);
  if (!isPublic && readCookie(request.headers, policy.name) === null) {
    const to = new URL('/signin', request.url);
    if (pathname !== '/') to.searchParams.set('next', pathname + request.nextUrl.search);
    return NextResponse.redirect(to);
  }

  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, {
    dev: process.env.NODE_ENV === 'development',
    https: policy.secure,
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('content-security-policy', csp);
  return response;
}

export const config = {
  // Everything but build assets: API routes need the Host and Origin checks too.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|icon.svg).*)'],
};
