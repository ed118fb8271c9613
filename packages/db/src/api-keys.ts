import { writeAudit, type DbTx } from './audit.ts';
import type { Db } from './client.ts';
import {
  LAST_USED_RESOLUTION_MS,
  displayPrefix,
  generateApiKey,
  hashKey,
  keyState,
  lastUsedIsStale,
} from './keys.ts';
import type { IssuedKey } from './write-keys.ts';

export interface ApiKeyMatch {
  id: string;
  name: string;
  scopes: string[];
  expiresAt: Date | null;
}

/** An API key as lists show it (never the hash). */
export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: Date;
  createdBy: string;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const rowFields = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  createdAt: true,
  createdBy: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

/**
 * Issues an API key. `scopes` are checked by the callers against KEY_SCOPES (@tributary/contracts);
 * this layer stores what it is given.
 */
export async function issueApiKey(
  db: Db,
  input: ApiKeyInput,
  opts: { actor?: string } = {},
): Promise<IssuedKey & { row: ApiKeyRow }> {
  return db.$transaction((tx) => issueApiKeyIn(tx, input, opts));
}

export interface ApiKeyInput {
  name: string;
  scopes: string[];
  expiresAt?: Date | null;
}

/** issueApiKey inside a caller's transaction. */
export async function issueApiKeyIn(
  tx: DbTx,
  input: ApiKeyInput,
  opts: { actor?: string } = {},
): Promise<IssuedKey & { row: ApiKeyRow }> {
  const key = generateApiKey();
  const prefix = displayPrefix(key);
  const actor = opts.actor ?? 'system';
  const row = await tx.apiKey.create({
    data: {
      name: input.name,
      scopes: input.scopes,
      prefix,
      hash: hashKey(key),
      createdBy: actor,
      expiresAt: input.expiresAt ?? null,
    },
    select: rowFields,
  });
  await writeAudit(tx, {
    actor,
    action: 'api_key.issue',
    entity: 'api_key',
    entityId: row.id,
    after: {
      name: input.name,
      scopes: input.scopes,
      prefix,
      expiresAt: row.expiresAt?.toISOString() ?? null,
    },
  });
  return { id: row.id, key, prefix, row };
}

/**
 * The API key a plaintext key belongs to, or null when unknown, revoked or expired. Marks the
 * key used (at most once a minute, see LAST_USED_RESOLUTION_MS).
 */
export async function findApiKey(
  db: Db,
  plaintextKey: string,
  opts: { now?: Date } = {},
): Promise<ApiKeyMatch | null> {
  const now = opts.now ?? new Date();
  const row = await db.apiKey.findUnique({ where: { hash: hashKey(plaintextKey) } });
  if (!row || keyState(row, now) !== 'active') return null;
  if (lastUsedIsStale(row.lastUsedAt, now)) await touchApiKey(db, row.id, now);
  return { id: row.id, name: row.name, scopes: row.scopes, expiresAt: row.expiresAt };
}

async function touchApiKey(db: Db, id: string, now: Date): Promise<void> {
  const since = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  // The condition makes concurrent requests (other console processes included) write once.
  // NOTE: a failed bookkeeping write must not refuse a valid key, so its error is dropped.
  await db.apiKey
    .updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: since } }] },
      data: { lastUsedAt: now },
    })
    .catch(() => {});
}

/** Every API key, newest first, revoked and expired ones included (for the audit trail). */
export async function listApiKeys(db: Db): Promise<ApiKeyRow[]> {
  return db.apiKey.findMany({ select: rowFields, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] });
}

export async function getApiKey(db: Db, id: string): Promise<ApiKeyRow | null> {
  return db.apiKey.findUnique({ where: { id }, select: rowFields });
}

/** Marks an API key revoked (kept for the audit trail). Returns false when it was unknown or already revoked. */
export async function revokeApiKey(db: Db, id: string, opts: { actor?: string } = {}): Promise<boolean> {
  return db.$transaction((tx) => revokeApiKeyIn(tx, id, opts));
}

/** revokeApiKey inside a caller's transaction. */
export async function revokeApiKeyIn(tx: DbTx, id: string, opts: { actor?: string } = {}): Promise<boolean> {
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
}
