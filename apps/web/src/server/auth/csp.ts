/**
 * The console's Content-Security-Policy. Scripts run only with this response's nonce (Next puts
 * it on its own inline bootstrap scripts when it finds the nonce in the request's CSP header) and
 * what they load ('strict-dynamic'); no plugins, no <base> rewriting, forms post only here, and no
 * page may frame the console (clickjacking). NOTE: style-src keeps 'unsafe-inline' because React
 * `style` attributes (charts, bars) cannot carry a nonce; styles cannot run script.
 * See docs/decisions/console-auth.md.
 */
export function contentSecurityPolicy(nonce: string, opts: { dev: boolean; https: boolean }): string {
  return [
    `default-src 'self'`,
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? ` 'unsafe-eval'` : ''}`,
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' blob: data:`,
    `font-src 'self'`,
    `connect-src 'self'${opts.dev ? ' ws: wss:' : ''}`,
    `object-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
    ...(opts.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64');
}
