// Server-only (node:crypto, node:net): imported as @tributary/contracts/exposure, never from the
// package index, which browser bundles load.
// Who can reach a listener. Every service binds to the loopback interface unless told
// otherwise; one told to listen wider must have its open endpoints (metrics, health details)
// behind a credential first, or it refuses to start rather than serve them to the network.
import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * Throws when `host` is not loopback and the credential that guards the listener is missing.
 * `guard` names the setting, so the message says exactly what to set.
 */
export function assertExposure(
  service: string,
  host: string,
  guard: { setting: string; value: unknown },
): void {
  if (isLoopbackHost(host)) return;
  if (guard.value !== undefined && guard.value !== '') return;
  throw new Error(
    `${service}: refusing to listen on ${host} without ${guard.setting}: anyone who reaches that ` +
      `address could read what it serves. Set ${guard.setting}, or listen on 127.0.0.1.`,
  );
}

/** True when no token is configured, or the Authorization header carries it (Bearer). */
export function metricsAllowed(token: string | undefined, authorization: string | null | undefined): boolean {
  if (!token) return true;
  const given = Buffer.from(/^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
