import { writeAudit, type DbTx } from './audit.ts';
import type { Db } from './client.ts';
import {
  LAST_USED_RESOLUTION_MS,
  displayPrefix,
  generateWriteKey,
  hashKey,
  keyState,
  lastUsedIsStale,
} from './keys.ts';

export interface IssuedKey {
  id: string;
  /** The plaintext key. Shown once: only its hash is stored. */
  key: string;
  prefix: string;
}

export interface WriteKeyMatch {
  id: string;
  sourceId: string;
  sourceName: string;
  /** Callers that cache the match must not keep it past this time. */
  expiresAt: Date | null;
}

/** A write key as lists show it (never the hash). */
export interface WriteKeyRow {
  id: string;
  name: string | null;
  prefix: string;
  sourceId: string;
  sourceName: string;
  createdAt: Date;
  createdBy: string;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const rowSelect = {
  id: true,
  name: true,
  prefix: true,
  sourceId: true,
  createdAt: true,
  createdBy: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
  source: { select: { name: true } },
} as const;

function toRow(r: Omit<WriteKeyRow, 'sourceName'> & { source: { name: string } }): WriteKeyRow {
  const { source, ...rest } = r;
  return { ...rest, sourceName: source.name };
}

export interface WriteKeyOptions {
  actor?: string;
  name?: string | null;
  expiresAt?: Date | null;
}

export async function issueWriteKey(
  db: Db,
  sourceId: string,
  opts: WriteKeyOptions = {},
): Promise<IssuedKey & { row: WriteKeyRow }> {
  return db.$transaction((tx) => issueWriteKeyIn(tx, sourceId, opts));
}

/** issueWriteKey inside a caller's transaction. */
export async function issueWriteKeyIn(
  tx: DbTx,
  sourceId: string,
  opts: WriteKeyOptions = {},
): Promise<IssuedKey & { row: WriteKeyRow }> {
  const key = generateWriteKey();
  const prefix = displayPrefix(key);
  const actor = opts.actor ?? 'system';
  const created = await tx.writeKey.create({
    data: {
      sourceId,
      prefix,
      hash: hashKey(key),
      name: opts.name ?? null,
      createdBy: actor,
      expiresAt: opts.expiresAt ?? null,
    },
    select: rowSelect,
  });
  await writeAudit(tx, {
    actor,
    action: 'write_key.issue',
    entity: 'write_key',
    entityId: created.id,
    after: {
      sourceId,
      source: created.source.name,
      name: created.name,
      prefix,
      expiresAt: created.expiresAt?.toISOString() ?? null,
    },
  });
  const row = toRow(created);
  return { id: row.id, key, prefix, row };
}

/**
 * The source a plaintext write key belongs to, or null when unknown, revoked or expired. Marks
 * the key used (at most once a minute, see LAST_USED_RESOLUTION_MS).
 */
export async function findWriteKey(
  db: Db,
  plaintextKey: string,
  opts: { now?: Date } = {},
): Promise<WriteKeyMatch | null> {
  const now = opts.now ?? new Date();
  const row = await db.writeKey.findUnique({
    where: { hash: hashKey(plaintextKey) },
    include: { source: { select: { name: true } } },
  });
  if (!row || keyState(row, now) !== 'active') return null;
  if (lastUsedIsStale(row.lastUsedAt, now)) await touchWriteKey(db, row.id, now);
  return { id: row.id, sourceId: row.sourceId, sourceName: row.source.name, expiresAt: row.expiresAt };
}

async function touchWriteKey(db: Db, id: string, now: Date): Promise<void> {
  const since = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  // The condition makes concurrent lookups (every ingest instance) write once a minute in all.
  // NOTE: a failed bookkeeping write must not refuse a valid key, so its error is dropped.
  await db.writeKey
    .updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: since } }] },
      data: { lastUsedAt: now },
    })
    .catch(() => {});
}

/** Write keys, newest first (of one source when given), revoked and expired ones included. */
export async function listWriteKeys(db: Db, opts: { sourceId?: string } = {}): Promise<WriteKeyRow[]> {
  const rows = await db.writeKey.findMany({
    where: opts.sourceId ? { sourceId: opts.sourceId } : {},
    select: rowSelect,
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
  });
  return rows.map(toRow);
}

export async function getWriteKey(db: Db, id: string): Promise<WriteKeyRow | null> {
  const row = await db.writeKey.findUnique({ where: { id }, select: rowSelect });
  return row ? toRow(row) : null;
}

/** Marks a write key revoked (kept for the audit trail). Returns false when it was unknown or already revoked. */
export async function revokeWriteKey(db: Db, id: string, opts: { actor?: string } = {}): Promise<boolean> {
  return db.$transaction((tx) => revokeWriteKeyIn(tx, id, opts));
}

/** revokeWriteKey inside a caller's transaction. */
export async function revokeWriteKeyIn(
  tx: DbTx,
  id: string,
  opts: { actor?: string } = {},
): Promise<boolean> {
  const { count } = await tx.writeKey.updateMany({
    where: { id, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) return false;
  await writeAudit(tx, {
    actor: opts.actor ?? 'system',
    action: 'write_key.revoke',
    entity: 'write_key',
    entityId: id,
  });
  return true;
}
