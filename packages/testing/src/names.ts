import { randomBytes } from 'node:crypto';

/** A short id for names a test owns alone (topics, databases, key prefixes). */
export function isolatedId(): string {
  return randomBytes(4).toString('hex');
}

/** A topic prefix no other test uses: `t<time><random>.` */
export function uniquePrefix(): string {
  return `t${Date.now().toString(36)}${randomBytes(2).toString('hex')}.`;
}
