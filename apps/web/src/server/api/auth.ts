import { TributaryError } from '@tributary/contracts';
import { findApiKey, type ApiKeyMatch, type Db } from '@tributary/db';

export type Access = 'read' | 'write';

/** Scopes that grant each kind of access to the schema registry. */
const SCHEMA_SCOPES: Record<Access, readonly string[]> = {
  read: ['admin', 'schemas:read', 'schemas:write'],
  write: ['admin', 'schemas:write'],
};

export interface ApiCaller extends ApiKeyMatch {
  /** How audit rows name this caller. */
  actor: string;
}

/** The API key in `Authorization: Bearer <key>`, allowed the requested access, or a 401/403. */
export async function authenticate(req: Request, db: Db, access: Access): Promise<ApiCaller> {
  const header = req.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) {
    throw new TributaryError('unauthorized', 'send an API key as "Authorization: Bearer <API key>"');
  }
  const key = await findApiKey(db, match[1]);
  if (!key) throw new TributaryError('unauthorized', 'unknown or revoked API key');
  if (!key.scopes.some((s) => SCHEMA_SCOPES[access].includes(s))) {
    throw new TributaryError(
      'forbidden',
      `API key "${key.name}" lacks a scope for ${access} access to schemas (one of ${SCHEMA_SCOPES[access].join(', ')})`,
    );
  }
  return { ...key, actor: `api_key:${key.name}` };
}
