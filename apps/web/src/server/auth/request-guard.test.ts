import { describe, expect, it } from 'vitest';
import { batchSize, MAX_BATCH_SIZE } from '../trpc-batch.ts';
import { contentSecurityPolicy } from './csp.ts';
import { hostAllowed, needsOriginCheck, originAllowed } from './request-guard.ts';
import { cookiePolicy, readCookie, sessionCookie, sessionToken } from './session-cookie.ts';

const ORIGINS = ['https://console.example.com', 'http://127.0.0.1:3000'];
const h = (init: Record<string, string>) => new Headers(init);

describe('hostAllowed', () => {
  it('answers the configured hosts and loopback on any port, nothing else', () => {
    expect(hostAllowed('console.example.com', ORIGINS)).toBe(true);
    expect(hostAllowed('CONSOLE.example.com', ORIGINS)).toBe(true);
    expect(hostAllowed('127.0.0.1:41234', ORIGINS)).toBe(true);
    expect(hostAllowed('localhost:3000', ORIGINS)).toBe(true);
    expect(hostAllowed('[::1]:3000', ORIGINS)).toBe(true);
    // DNS rebinding: a stranger's name pointed at this machine.
    expect(hostAllowed('evil.example', ORIGINS)).toBe(false);
    expect(hostAllowed('console.example.com:8443', ORIGINS)).toBe(false);
    expect(hostAllowed('127.0.0.1.evil.example', ORIGINS)).toBe(false);
    expect(hostAllowed(null, ORIGINS)).toBe(false);
    expect(hostAllowed('bad host/x', ORIGINS)).toBe(false);
  });
});

describe('originAllowed', () => {
  it('lets the console origin and same-host requests through', () => {
    expect(originAllowed(h({ origin: 'https://console.example.com', cookie: 's=1' }), ORIGINS)).toEqual({
      ok: true,
    });
    expect(
      originAllowed(h({ origin: 'http://127.0.0.1:39999', host: '127.0.0.1:39999', cookie: 's=1' }), ORIGINS),
    ).toEqual({
      ok: true,
    });
    expect(originAllowed(h({ referer: 'http://127.0.0.1:3000/dlq?x=1', cookie: 's=1' }), ORIGINS)).toEqual({
      ok: true,
    });
  });

  it('refuses a cross-site page, another local port, and a cookie request with neither header', () => {
    expect(originAllowed(h({ origin: 'https://evil.example', host: '127.0.0.1:3000' }), ORIGINS).ok).toBe(
      false,
    );
    expect(originAllowed(h({ origin: 'http://127.0.0.1:8081', host: '127.0.0.1:3000' }), ORIGINS).ok).toBe(
      false,
    );
    expect(originAllowed(h({ origin: 'null', cookie: 's=1' }), ORIGINS).ok).toBe(false);
    expect(originAllowed(h({ cookie: 's=1' }), ORIGINS).ok).toBe(false);
    // A script with a key and no cookies sends neither header: not forgeable by a browser.
    expect(originAllowed(h({ authorization: 'Bearer k' }), ORIGINS).ok).toBe(true);
  });
});

describe('needsOriginCheck', () => {
  it('checks every state-changing console request and cookie-carrying management calls', () => {
    expect(needsOriginCheck('POST', '/api/trpc/dlq.discard', h({}))).toBe(true);
    expect(needsOriginCheck('POST', '/api/auth/sign-in', h({}))).toBe(true);
    expect(needsOriginCheck('GET', '/api/trpc/viewer.me', h({ cookie: 's=1' }))).toBe(false);
    expect(needsOriginCheck('POST', '/api/v1/schemas', h({ authorization: 'Bearer k' }))).toBe(false);
    expect(needsOriginCheck('DELETE', '/api/v1/keys/1', h({ cookie: 's=1' }))).toBe(true);
  });
});

describe('tRPC batches', () => {
  it('counts the procedures a URL names', () => {
    expect(batchSize('http://h/api/trpc/viewer.me')).toBe(1);
    expect(batchSize('http://h/api/trpc/a.b,c.d,e.f?batch=1')).toBe(3);
    expect(
      batchSize(
        `http://h/api/trpc/${Array(MAX_BATCH_SIZE + 1)
          .fill('a')
          .join('%2C')}`,
      ),
    ).toBe(MAX_BATCH_SIZE + 1);
  });
});

describe('session cookie', () => {
  it('is __Host- and Secure when the console is https, plain over http; HttpOnly and Lax either way', () => {
    const secure = cookiePolicy(['https://console.example.com']);
    expect(sessionCookie('abc', secure)).toBe(
      '__Host-tributary_session=abc; Path=/; HttpOnly; SameSite=Lax; Secure',
    );
    const plain = cookiePolicy(['http://127.0.0.1:3000']);
    expect(sessionCookie('abc', plain)).toBe('tributary_session=abc; Path=/; HttpOnly; SameSite=Lax');
  });

  it('reads only a well-formed token under the policy name', () => {
    const plain = cookiePolicy(['http://127.0.0.1:3000']);
    const token = 'abcdefghijklmnopqrstuvwxyz234567';
    expect(sessionToken(h({ cookie: `a=1; tributary_session=${token}` }), plain)).toBe(token);
    expect(
      sessionToken(h({ cookie: `tributary_session=${token}` }), cookiePolicy(['https://x.example'])),
    ).toBeNull();
    expect(sessionToken(h({ cookie: 'tributary_session=NOT-A-TOKEN' }), plain)).toBeNull();
    expect(readCookie(h({ cookie: 'x=; y=2' }), 'x')).toBeNull();
  });
});

describe('content security policy', () => {
  it('runs scripts by nonce only, forbids framing, and allows eval only in development', () => {
    const csp = contentSecurityPolicy('n0nce', { dev: false, https: false });
    expect(csp).toContain("script-src 'self' 'nonce-n0nce' 'strict-dynamic'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(contentSecurityPolicy('n', { dev: true, https: true })).toMatch(
      /unsafe-eval.*upgrade-insecure-requests/,
    );
  });
});
