import { createHash, randomBytes } from 'node:crypto';

export const WRITE_KEY_PREFIX = 'trb_wk_';
export const API_KEY_PREFIX = 'trb_ak_';
/** Characters of a key kept in clear (type prefix + 5 random), enough to tell keys apart in a list. */
export const DISPLAY_PREFIX_LENGTH = 12;

/** sha256 hex: keys are 256-bit random, so a fast unsalted hash is enough (no dictionary to attack). */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateWriteKey(): string {
  return WRITE_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function displayPrefix(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_LENGTH);
}

export type KeyState = 'active' | 'expired' | 'revoked';

/** What a key's row says about it at `now`. An expired key is refused exactly like a revoked one. */
export function keyState(
  row: { revokedAt: Date | null; expiresAt: Date | null },
  now = new Date(),
): KeyState {
  if (row.revokedAt !== null) return 'revoked';
  if (row.expiresAt !== null && row.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

/**
 * A key's last-used time is written at most this often: a busy key costs one UPDATE a minute,
 * not one per request, and "last used" in a list is still accurate to the minute.
 */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Whether a key last marked used at `lastUsedAt` should be marked again at `now`. */
export function lastUsedIsStale(lastUsedAt: Date | null, now: Date): boolean {
  return lastUsedAt === null || now.getTime() - lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS;
}
