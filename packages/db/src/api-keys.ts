import { writeAudit } from './audit.ts';
import type { Db } from './client.ts';
import { displayPrefix, generateApiKey, hashKey } from './keys.ts';
import type { IssuedKey } from './write-keys.ts';

export interface ApiKeyMatch {
  id: string;
  name: string;
  scopes: string[];
}

export async function issueApiKey(
  db: Db,
  input: { name: string; scopes: string[] },
  opts: { actor?: string } = {},
): Promise<IssuedKey> {
  const key = generateApiKey();
  const prefix = displayPrefix(key);
  const row = await db.$transaction(async (tx) => {
    const created = await tx.apiKey.create({
      data: { name: input.name, scopes: input.scopes, prefix, hash: hashKey(key) },
    });
    await writeAudit(tx, {
      actor: opts.actor ?? 'system',
      action: 'api_key.issue',
      entity: 'api_key',
      entityId: created.id,
      after: { name: input.name, scopes: input.scopes, prefix },
    });
    return created;
  });
  return { id: row.id, key, prefix };
}

/** The API key a plaintext key belongs to, or null when unknown or revoked. */
export async function findApiKey(db: Db, plaintextKey: string): Promise<ApiKeyMatch | null> {
  const row = await db.apiKey.findUnique({ where: { hash: hashKey(plaintextKey) } });
  if (!row || row.revokedAt !== null) return null;
  return { id: row.id, name: row.name, scopes: row.scopes };
}

export async function revokeApiKey(db: Db, id: string, opts: { actor?: string } = {}): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.apiKey.updateMany({
      where: { id, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count === 0) return false;
    await writeAudit(tx, {
      actor: opts.actor ?? 'system',
      action: 'api_key.revoke',
      entity: 'api_key',
      entityId: id,
    });
    return true;
  });
}
