import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  API_KEY_PREFIX,
  WRITE_KEY_PREFIX,
  displayPrefix,
  generateApiKey,
  generateWriteKey,
  hashKey,
} from './keys.ts';

describe('keys', () => {
  it('generates prefixed 256-bit base64url write keys', () => {
    const key = generateWriteKey();
    expect(key.startsWith(WRITE_KEY_PREFIX)).toBe(true);
    const secret = key.slice(WRITE_KEY_PREFIX.length);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
  });

  it('generates distinct keys', () => {
    const keys = new Set(Array.from({ length: 1000 }, generateWriteKey));
    expect(keys.size).toBe(1000);
  });

  it('uses a different prefix for API keys', () => {
    expect(generateApiKey().startsWith(API_KEY_PREFIX)).toBe(true);
    expect(API_KEY_PREFIX).not.toBe(WRITE_KEY_PREFIX);
  });

  it('hashes to sha256 hex of the whole key', () => {
    const key = 'trb_wk_example';
    expect(hashKey(key)).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hashKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashKey(key)).not.toBe(hashKey(`${key}x`));
  });

  it('shows only a short prefix', () => {
    const key = generateWriteKey();
    expect(displayPrefix(key)).toBe(key.slice(0, 12));
    expect(key.startsWith(displayPrefix(key))).toBe(true);
  });
});
