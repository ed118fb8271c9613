// The secret of the processors' pii_hash step (HMAC-SHA256). Made once per state directory and
// kept there (0600): a new secret would hash the same value differently, breaking joins and
// counts over hashed fields across restarts. Production passes its own PII_HASH_SECRET.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SECRET_RE = /^[A-Za-z0-9_-]{32,}$/;

export function ensurePiiHashSecret(stateDir: string): string {
  const file = join(stateDir, 'pii-hash-secret');
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (SECRET_RE.test(stored)) return stored;
  }
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}
