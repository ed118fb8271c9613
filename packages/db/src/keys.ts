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
