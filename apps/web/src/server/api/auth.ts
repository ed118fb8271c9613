import { TributaryError } from '@tributary/contracts';
import { findApiKey, type ApiKeyMatch, type Db } from '@tributary/db';
import { KEY_SCOPES, auditName, can, type Actor, type KeyScope, type Permission } from '../auth/actor.ts';

/**
 * The management API (/api/v1/...) is for machines: it takes an API key in
 * `Authorization: Bearer <key>` and nothing else (no session cookie, so no cross-site request
 * can ride on a signed-in browser). Revoked and expired keys are refused like unknown ones.
 */

export type Access = 'read' | 'write';

/** What the schema routes require for each kind of access. */
const SCHEMA_PERMISSION: Record<Access, Permission> = { read: 'schemas:read', write: 'schemas:write' };

export interface ApiCaller extends ApiKeyMatch {
  /** How audit rows name this caller (`api_key:<name>`). */
  actor: string;
  /** The same caller as the console's permission checks see it. */
  key: Extract<Actor, { kind: 'key' }>;
}

/** The API key the request carries, or a 401. */
export async function authenticateKey(req: Request, db: Db): Promise<ApiCaller> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get('authorization') ?? '');
  if (!match?.[1]) {
    throw new TributaryError('unauthorized', 'send an API key as "Authorization: Bearer <API key>"');
  }
  const found = await findApiKey(db, match[1]);
  if (!found) throw new TributaryError('unauthorized', 'unknown, revoked or expired API key');
  const scopes = found.scopes.filter((s): s is KeyScope => (KEY_SCOPES as readonly string[]).includes(s));
  const key: ApiCaller['key'] = { kind: 'key', keyId: found.id, name: found.name, scopes };
  return { ...found, actor: auditName(key), key };
}

/** The request's API key when it holds `permission`: 401 without a usable key, 403 without the scope. */
export async function authorize(req: Request, db: Db, permission: Permission): Promise<ApiCaller> {
  const caller = await authenticateKey(req, db);
  if (!can(caller.key, permission)) {
    throw new TributaryError(
      'forbidden',
      `API key "${caller.name}" lacks the ${permission} scope` +
        (permission === 'admin' ? '' : ' (or admin, which includes it)'),
      { requires: permission },
    );
  }
  return caller;
}

/** The schema registry routes: `read` needs schemas:read, `write` schemas:write. */
export function authenticate(req: Request, db: Db, access: Access): Promise<ApiCaller> {
  return authorize(req, db, SCHEMA_PERMISSION[access]);
}
