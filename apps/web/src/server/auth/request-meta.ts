import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { RequestMeta } from './actor.ts';

// A client-chosen id is kept only when it cannot smuggle anything into logs or headers.
const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The first hop of X-Forwarded-For (else X-Real-IP), when it is an IP address.
 * NOTE: these headers are only as trustworthy as the proxy in front of the console; with no
 * proxy a client may write anything here, so audit rows record it as "what the request said".
 */
function clientIp(headers: Headers): string | null {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  const candidate = forwarded || headers.get('x-real-ip')?.trim();
  return candidate && isIP(candidate) !== 0 ? candidate : null;
}

export function requestMeta(headers: Headers): RequestMeta {
  const given = headers.get('x-request-id')?.trim();
  return {
    ip: clientIp(headers),
    userAgent: headers.get('user-agent')?.slice(0, 512) ?? null,
    requestId: given && REQUEST_ID_RE.test(given) ? given : randomUUID(),
  };
}
