import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { hash, verify } from '@node-rs/argon2';

/**
 * Secrets of people and browsers (session tokens, invite tokens, passwords), after the Lucia
 * guide's session design: tokens are random and only their sha256 is stored, so a leaked
 * table signs nobody in. See docs/decisions/console-auth.md.
 */

/** 160 random bits as base32: enough that guessing a live token is hopeless, short in a URL. */
export function generateToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/** The stored form of a token: sha256 hex. A fast hash is enough for 160-bit random input. */
export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

// argon2id (the library's default algorithm) with OWASP's minimum: 19 MiB, 2 passes, 1 lane.
// NOTE: the PHC string records the parameters, so raising them later keeps old hashes valid.
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed stored hash refuses the sign-in rather than failing the request.
    return false;
  }
}

/** A stored hash to verify against when the email is unknown, so both cases cost the same time. */
let decoyHash: Promise<string> | null = null;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(generateToken());
  return decoyHash;
}

/** A random password for a generated account (the first admin): 32 base32 characters, 160 bits. */
export function generatePassword(): string {
  return generateToken();
}
