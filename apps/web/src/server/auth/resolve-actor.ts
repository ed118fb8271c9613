import type { Db } from '@tributary/db';
import { findApiKey } from '@tributary/db';
import { KEY_SCOPES, type Actor, type KeyScope } from './actor.ts';

/**
 * NOTE: owned by A1 ("sessions"), who replaces this with session cookies + API keys. This
 * minimal version exists so the tRPC context can be built against the final signature: it
 * resolves only `Authorization: Bearer <API key>` and returns null for anything else.
 */
export async function resolveActor(db: Db, headers: Headers): Promise<Actor | null> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.get('authorization') ?? '');
  if (!match?.[1]) return null;
  const key = await findApiKey(db, match[1]);
  if (!key) return null;
  const scopes = key.scopes.filter((s): s is KeyScope => (KEY_SCOPES as readonly string[]).includes(s));
  return { kind: 'key', keyId: key.id, name: key.name, scopes };
}
