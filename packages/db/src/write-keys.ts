import { writeAudit } from './audit.ts';
import type { Db } from './client.ts';
import { displayPrefix, generateWriteKey, hashKey } from './keys.ts';

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
}

export async function issueWriteKey(
  db: Db,
  sourceId: string,
  opts: { actor?: string } = {},
): Promise<IssuedKey> {
  const key = generateWriteKey();
  const prefix = displayPrefix(key);
  const row = await db.$transaction(async (tx) => {
    const created = await tx.writeKey.create({ data: { sourceId, prefix, hash: hashKey(key) } });
    await writeAudit(tx, {
      actor: opts.actor ?? 'system',
      action: 'write_key.issue',
      entity: 'write_key',
      entityId: created.id,
      after: { sourceId, prefix },
    });
    return created;
  });
  return { id: row.id, key, prefix };
}

/** The source a plaintext write key belongs to, or null when unknown or revoked. */
export async function findWriteKey(db: Db, plaintextKey: string): Promise<WriteKeyMatch | null> {
  const row = await db.writeKey.findUnique({
    where: { hash: hashKey(plaintextKey) },
    include: { source: { select: { name: true } } },
  });
  if (!row || row.revokedAt !== null) return null;
  return { id: row.id, sourceId: row.sourceId, sourceName: row.source.name };
}

/** Marks a write key revoked (kept for the audit trail). Returns false when it was unknown or already revoked. */
export async function revokeWriteKey(db: Db, id: string, opts: { actor?: string } = {}): Promise<boolean> {
  return db.$transaction(async (tx) => {
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
  });
}
